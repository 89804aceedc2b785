/**
 * `npm run test:e2e:queue`: this package in n8n's queue mode, the way n8n
 * scales out. PostgreSQL, Redis, one n8n main process and two `n8n worker`
 * processes, all on loopback ports chosen now, each n8n with the package
 * installed from its `npm pack` tarball; the Zoho sandbox in this process.
 * A webhook workflow (test/e2e/workflows-queue/) is called many times at once
 * and the executions' records, the workers' logs and the sandbox's log are
 * checked, one scenario (a fresh sandbox) at a time. The stack is started in
 * queue-stack.ts (its services in queue-services.ts), the scenarios and their
 * checks are in queue-scenarios.ts, the figures are reported by queue-report.ts.
 *
 *   npm run test:e2e:queue                   every scenario; known failures are reported, not fatal
 *   npm run test:e2e:queue -- limits expiry  only these, in this order (repeats allowed); a known failure then fails the run
 *   QUEUE_SCENARIOS=limits npm run test:e2e:queue   the same, by environment
 *   QUEUE_FIGURES=figures.json               also write the figures as JSON there
 *   QUEUE_KEEP_LOGS=1                        keep every process's log (kept anyway on failure)
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import os from 'os';
import { join } from 'path';

import { ensureN8n, ensureNode24, step } from '../../harness/installedN8n';
import { ZohoSandbox } from '../../sandbox/server';
import { report } from './queue-report';
import {
	checkTriggerPolls,
	everythingN8nPrinted,
	runScenario,
	secretsOf,
	selectedScenarios,
} from './queue-scenarios';
import type { Figures } from './queue-scenarios';
import { Processes, ensureRedis, interruption, time, timings } from './queue-services';
import { WORKER_NAMES, registeredHostIds, startStack } from './queue-stack';
import type { Stack } from './queue-stack';

async function main(): Promise<number> {
	const { scenarios, chosen } = selectedScenarios();
	const runStarted = Date.now();

	await time('node 24 and n8n (cache)', async () => {
		await ensureNode24();
		await ensureN8n();
	});
	const redisInstall = await time('redis-server (apt-get when missing)', ensureRedis);
	if (redisInstall !== undefined)
		console.log(`  redis-server installed in ${Math.round(redisInstall / 1000)} s`);

	// The postgres user must get through to its directory inside this one: traverse, not read.
	const runDirectory = mkdtempSync(join(os.tmpdir(), 'n8n-zoho-queue-'));
	chmodSync(runDirectory, 0o711);
	const processes = new Processes(join(runDirectory, 'logs'));
	let interrupted: NodeJS.Signals | undefined;
	const onSignal = (signal: NodeJS.Signals) => {
		if (interrupted) {
			// A second Ctrl-C: no more waiting.
			processes.killAllNow();
			process.exit(130);
		}
		interrupted = signal;
		console.error(`\n${signal}: stopping everything this run started`);
		interruption.abort();
		void processes.stopAll(5_000);
		// The run's own `finally` reports and cleans up; this is in case it is stuck in a build or an install.
		setTimeout(() => {
			processes.killAllNow();
			rmSync(runDirectory, { recursive: true, force: true });
			process.exit(signal === 'SIGINT' ? 130 : 143);
		}, 60_000).unref();
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('exit', () => processes.killAllNow());

	let pollFigures = '';
	const allFigures: Figures[] = [];
	const problems: string[] = [];
	const secrets: string[] = [];
	let stack: Stack | undefined;
	const triggerSandbox = await ZohoSandbox.start({ users: 30 });
	let mainStartedAt = 0;
	try {
		for (const [index, scenario] of scenarios.entries()) {
			if (interrupted) break;
			const sandbox = await ZohoSandbox.start(scenario.sandbox);
			try {
				if (!stack) {
					stack = await time('stack start, all of it', async () =>
						startStack(processes, runDirectory, sandbox, triggerSandbox),
					);
					mainStartedAt = Date.now();
					const hostIds = await registeredHostIds(stack.redis);
					console.log(`  n8n's instance registry: ${hostIds.join(', ')}`);
					if (
						new Set(hostIds).size !== hostIds.length ||
						hostIds.length !== 1 + WORKER_NAMES.length
					)
						problems.push(
							`n8n's registry does not hold three distinct host ids: ${hostIds.join(', ')}`,
						);
				}
				const figures = await time(`scenario ${index + 1} ${scenario.name}`, async () =>
					runScenario(scenario, stack!, sandbox, runDirectory, index),
				);
				secrets.push(...secretsOf(sandbox));
				const passed = figures.checks.every((check) => check.ok);
				const tolerated = scenario.knownFailure !== undefined && !chosen;
				figures.outcome = passed
					? scenario.knownFailure
						? 'passed (marked known failure)'
						: 'passed'
					: tolerated
						? 'known failure'
						: 'failed';
				if (!passed && tolerated)
					console.log(
						`  → KNOWN FAILURE (not fatal in a full run; run it alone to make it fatal): ${scenario.knownFailure}`,
					);
				if (!passed && !tolerated) problems.push(`scenario "${scenario.name}" failed`);
				if (passed && scenario.knownFailure)
					console.log(
						`  → passed this time; if it keeps passing, drop its knownFailure note (${scenario.knownFailure})`,
					);
				allFigures.push(figures);
			} finally {
				await sandbox.stop();
			}
		}
		if (stack) {
			const polls = checkTriggerPolls(triggerSandbox, Date.now() - mainStartedAt);
			if (!polls.ok) problems.push(polls.message);
			pollFigures = polls.message;
		}
		const clash = stack
			? [stack.main, ...stack.workers].filter((process) =>
					process.output().includes('sharing the same hostId'),
				)
			: [];
		if (clash.length)
			problems.push(
				`n8n warned of a host id clash (${clash.map((process) => process.name).join(', ')})`,
			);
		else console.log('\n  ✓ no host id clash warning from n8n');
	} catch (error) {
		problems.push((error as Error).message);
	} finally {
		secrets.push(...secretsOf(triggerSandbox));
		await triggerSandbox.stop();
		step('Stopping every process this run started');
		const killed = await time('stop', async () => processes.stopAll());
		const left = processes.stillRunning();
		if (killed.length) console.log(`  (had to SIGKILL: ${killed.join(', ')})`);
		if (left.length) problems.push(`still running after stop: ${left.join(', ')}`);
		else console.log(`  ✓ all ${processes.all().length} process groups are gone`);
		// Again with what n8n printed while shutting down.
		const leaked = stack
			? secrets.filter((secret) => everythingN8nPrinted(stack!).includes(secret)).length
			: 0;
		if (leaked) problems.push(`${leaked} secret(s) or token(s) in what n8n printed`);
		else if (stack)
			console.log(
				'  ✓ no client secret, refresh token or access token in anything n8n printed or answered, shutdown included',
			);
	}

	timings.total = Math.round((Date.now() - runStarted) / 100) / 10;
	report(allFigures, pollFigures);
	const keepLogs = problems.length > 0 || Boolean(process.env.QUEUE_KEEP_LOGS);
	for (const entry of readdirSync(runDirectory))
		if (!(keepLogs && entry === 'logs'))
			rmSync(join(runDirectory, entry), { recursive: true, force: true });
	if (keepLogs) console.log(`Logs of every process: ${join(runDirectory, 'logs')}`);
	else rmSync(runDirectory, { recursive: true, force: true });

	if (interrupted) {
		console.error(`\n✗ Queue mode: interrupted by ${interrupted}`);
		return interrupted === 'SIGINT' ? 130 : 143;
	}
	if (problems.length) {
		console.error(`\n✗ Queue mode: ${problems.join('; ')}`);
		return 1;
	}
	console.log('\nQueue mode: all required checks passed.');
	return 0;
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(`\n✗ ${error.message}`);
		process.exit(1);
	},
);
