/**
 * The queue-mode run's report (test/e2e/queue.ts): the figures of every
 * scenario as a table, the timings, and on request the figures as JSON
 * (QUEUE_FIGURES) or as the "Queue mode" section of BENCHMARKS.md
 * (QUEUE_BENCHMARKS=1).
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

import { timings } from './queue-services';
import { MAX_FLOOR_RATIO, MAX_REFUSED_SHARE } from './queue-scenarios';
import type { Figures } from './queue-scenarios';

/** With QUEUE_BENCHMARKS=1, the figures replace the "Queue mode" section of BENCHMARKS.md. */
function writeBenchmarksSection(allFigures: Figures[], pollFigures: string): void {
	const file = join(__dirname, '../../BENCHMARKS.md');
	const current = readFileSync(file, 'utf8');
	const start = current.indexOf('\n## Queue mode');
	const rows = allFigures.map(
		(figures) =>
			`| ${figures.scenario} | ${figures.executions.byStatus.success ?? 0}/${figures.executions.total} | ${Object.values(figures.executionsPerWorker).join(' + ')} | ${figures.tokenRequests} | ${figures.status429} | ${figures.wallSeconds} s | ${figures.floorSeconds !== undefined ? `${figures.floorSeconds} s (${(figures.wallSeconds / figures.floorSeconds).toFixed(2)} ×)` : '-'} |`,
	);
	const section = `
## Queue mode

Produced by \`QUEUE_BENCHMARKS=1 npm run test:e2e:queue\` (${new Date().toISOString()}): n8n 2.41.1 in queue mode on this
machine (Debian's PostgreSQL 15, Redis, an n8n main process and two workers, each with the package from its
\`npm pack\` tarball), 40 webhook calls at once, each execution a Self Client Get Many (limit 5) then a Get of
each of the 5 users: 240 API calls a scenario. Start-up and stop times: ${JSON.stringify(timings)} (seconds).

| Scenario | Executions succeeded | Per worker | Token requests | 429s seen | Wall time | True floor (rolling minute) |
|---|---|---|---|---|---|---|
${rows.join('\n')}

- basic: no limits in the sandbox. limits: the sandbox enforces Zoho's 10 simultaneous and 100 a rolling minute;
  neither worker knows of the other: each learns from Zoho's 429s that the minute is shared and lowers its own
  pace (targets: at most ${MAX_REFUSED_SHARE * 100}% of the 240 calls refused, within ${MAX_FLOOR_RATIO}× the true floor). expiry: every
  access token expires after 120 of the 240 calls.
- True floor: the least time Zoho's rolling window allows: 100 calls may start at once and the next 100 a
  minute later, so 240 calls can all be sent just over 2 minutes after the first (120 s). The wall time runs
  from the first webhook call to the last execution saved, n8n's own queueing included.
- Trigger (published for the whole run, polling every minute): ${pollFigures}
`;
	writeFileSync(file, (start < 0 ? current : current.slice(0, start)).trimEnd() + '\n' + section);
	console.log(`Queue mode section written to ${file}`);
}

function printSummary(allFigures: Figures[]): void {
	console.log('\nQueue mode figures');
	const rows = allFigures.map((figures) => ({
		scenario: figures.scenario,
		outcome: figures.outcome,
		executions: `${figures.executions.byStatus.success ?? 0}/${figures.executions.total} ok`,
		'per worker': Object.values(figures.executionsPerWorker).join(' + '),
		'API requests': figures.apiRequests,
		'token requests': figures.tokenRequests,
		'429s': figures.status429,
		'wall (s)': figures.wallSeconds,
		'floor (s)': figures.floorSeconds ?? '-',
	}));
	console.table(rows);
}

export function report(allFigures: Figures[], pollFigures: string): void {
	printSummary(allFigures);
	if (pollFigures) console.log(`Trigger: ${pollFigures}`);
	console.log('Timings (s):', JSON.stringify(timings));
	if (process.env.QUEUE_BENCHMARKS) writeBenchmarksSection(allFigures, pollFigures);
	if (process.env.QUEUE_FIGURES) {
		writeFileSync(
			process.env.QUEUE_FIGURES,
			`${JSON.stringify({ measuredAt: new Date().toISOString(), n8n: '2.41.1', timings, scenarios: allFigures }, null, 2)}\n`,
		);
		console.log(`Figures written to ${process.env.QUEUE_FIGURES}`);
	}
}
