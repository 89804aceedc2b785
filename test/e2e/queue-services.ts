/**
 * What the queue-mode run (test/e2e/queue.ts) starts besides the sandbox:
 * PostgreSQL and Redis on loopback ports chosen at run time, and a register of
 * every long-running process, each in its own process group, so that all of
 * them (and their children: n8n's task runners, Postgres's backends) can be
 * stopped at the end, pass, fail or Ctrl-C; and the waits and timings every
 * part of the run shares.
 */
import { spawn, spawnSync } from 'child_process';
import type { ChildProcess } from 'child_process';
import { chownSync, createWriteStream, existsSync, mkdirSync } from 'fs';
import { join } from 'path';
import { randomBytes } from 'crypto';

import { freePort, sh, step } from '../../harness/installedN8n';

export interface Started {
	name: string;
	child: ChildProcess;
	/** Everything the process printed so far, stdout and stderr interleaved. */
	output(): string;
	/** Settles when the process exits, with its exit code (or the signal's name). */
	exited: Promise<string>;
	hasExited(): boolean;
	logFile: string;
}

interface StartOptions {
	env?: NodeJS.ProcessEnv;
	cwd?: string;
	/** What asks this process to stop (Postgres: SIGINT is its "fast" shutdown). */
	stopSignal?: NodeJS.Signals;
	/** A service the others use: stopped only after every other process is gone. */
	service?: boolean;
}

function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}

export class Processes {
	private readonly started: Array<Started & { stopSignal: NodeJS.Signals; service: boolean }> = [];

	constructor(private readonly logDirectory: string) {
		mkdirSync(logDirectory, { recursive: true });
	}

	/** Starts `command` as the leader of a new process group; its output goes to memory and to <logDirectory>/<name>.log. */
	start(name: string, command: string, args: string[], options: StartOptions = {}): Started {
		if (this.stopping) throw new Error(`Not starting ${name}: everything is being stopped`);
		const child = spawn(command, args, {
			env: options.env ?? process.env,
			cwd: options.cwd,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const chunks: string[] = [];
		const logFile = join(this.logDirectory, `${name}.log`);
		const log = createWriteStream(logFile);
		const collect = (chunk: Buffer) => {
			chunks.push(chunk.toString('utf8'));
			log.write(chunk);
		};
		child.stdout!.on('data', collect);
		child.stderr!.on('data', collect);
		let done = false;
		const exited = new Promise<string>((resolve) => {
			child.on('error', (error) => {
				done = true;
				chunks.push(`\n[could not start ${command}: ${error.message}]\n`);
				resolve('failed to start');
			});
			child.on('exit', (code, signal) => {
				done = true;
				resolve(signal ?? String(code));
			});
		});
		void exited.then(() => log.end());
		const started = {
			name,
			child,
			output: () => chunks.join(''),
			exited,
			hasExited: () => done,
			logFile,
			stopSignal: options.stopSignal ?? 'SIGTERM',
			service: options.service ?? false,
		};
		this.started.push(started);
		return started;
	}

	all(): Started[] {
		return [...this.started];
	}

	/**
	 * Stops every group, the services last (n8n shuts down cleanly only while
	 * Redis and Postgres are there), each with its own signal, then SIGKILL for
	 * any group still there after `graceMs`. Resolves to the groups that had to
	 * be killed. Called again (a signal, then the run's own `finally`), it
	 * returns the same stop; nothing new can be started once it has begun.
	 */
	stopAll(graceMs = 15_000): Promise<string[]> {
		this.stopping ??= this.stopGroups(graceMs);
		return this.stopping;
	}

	private stopping?: Promise<string[]>;

	private async stopGroups(graceMs: number): Promise<string[]> {
		const killed: string[] = [];
		const gone = async (pid: number, withinMs: number) => {
			const deadline = Date.now() + withinMs;
			while (groupAlive(pid) && Date.now() < deadline)
				await new Promise((resolve) => setTimeout(resolve, 100));
			return !groupAlive(pid);
		};
		for (const batch of [
			this.started.filter((p) => !p.service),
			this.started.filter((p) => p.service),
		]) {
			await Promise.all(
				batch.map(async (started) => {
					const pid = started.child.pid;
					if (pid === undefined || !groupAlive(pid)) return;
					signalGroup(pid, started.stopSignal);
					if (await gone(pid, graceMs)) return;
					killed.push(started.name);
					signalGroup(pid, 'SIGKILL');
					await gone(pid, 5_000);
				}),
			);
		}
		return killed;
	}

	/** Synchronous last resort, for process.on('exit'): SIGKILL to every group still alive. */
	killAllNow(): void {
		for (const started of this.started) {
			if (started.child.pid !== undefined && groupAlive(started.child.pid))
				signalGroup(started.child.pid, 'SIGKILL');
		}
	}

	/** Names of the groups with any process left. */
	stillRunning(): string[] {
		return this.started
			.filter((p) => p.child.pid !== undefined && groupAlive(p.child.pid))
			.map((p) => p.name);
	}
}

const handedOut = new Set<number>();

/**
 * A free loopback port not handed out before in this run: a port is only
 * bound when its process gets there, and until then the kernel may offer it
 * again (measured: a worker's health server took the port chosen earlier
 * for the main process's task broker).
 */
export async function uniqueFreePort(): Promise<number> {
	for (;;) {
		const port = await freePort();
		if (!handedOut.has(port)) {
			handedOut.add(port);
			return port;
		}
	}
}

/** Seconds each step took, for the figures (cold and warm costs). */
export const timings: Record<string, number> = {};

export async function time<T>(label: string, work: () => Promise<T>): Promise<T> {
	const begun = Date.now();
	try {
		return await work();
	} finally {
		timings[label] = Math.round((Date.now() - begun) / 100) / 10;
	}
}

/** Aborted on SIGINT/SIGTERM: every wait of the run ends at once. */
export const interruption = new AbortController();

/** Polls `probe` until it is true; fails early if the run is interrupted or, with its log's tail, if `watched` exits first. */
export async function waitUntil(
	what: string,
	probe: () => boolean | Promise<boolean>,
	timeoutMs: number,
	watched?: Started,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (interruption.signal.aborted) throw new Error(`Interrupted while waiting for ${what}`);
		if (await probe()) return;
		if (watched?.hasExited()) {
			throw new Error(
				`${watched.name} exited (${await watched.exited}) before ${what}:\n${watched.output().slice(-3000)}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(
		`Timed out after ${timeoutMs / 1000} s waiting for ${what}${watched ? `; ${watched.name} printed:\n${watched.output().slice(-3000)}` : ''}`,
	);
}

// ---- PostgreSQL -------------------------------------------------------------

export interface Postgres {
	port: number;
	database: string;
	user: string;
	password: string;
	/** Rows of a query, as tab-separated text (psql's unaligned output). */
	query(sql: string): Promise<string[][]>;
}

/**
 * Debian's PostgreSQL server, as the `postgres` user (it refuses to run as
 * root), its data and sockets in `directory` (its parents must let that user
 * through), durability off: the database lives for one run.
 */
export async function startPostgres(processes: Processes, directory: string): Promise<Postgres> {
	mkdirSync(directory, { recursive: true });
	const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
	const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
	if (!Number.isInteger(uid) || uid <= 0)
		throw new Error('There is no `postgres` user to run the PostgreSQL server as');
	chownSync(directory, uid, gid);
	const data = join(directory, 'data');
	// Trust on the private socket (only root and postgres can reach it), a password over TCP, as n8n connects.
	await sh(
		'runuser',
		[
			'-u',
			'postgres',
			'--',
			'initdb',
			'-D',
			data,
			'--username=postgres',
			'--auth-local=trust',
			'--auth-host=scram-sha-256',
			'--encoding=UTF8',
			'--no-sync',
		],
		{ cwd: directory },
	);
	const port = await uniqueFreePort();
	const server = processes.start(
		'postgres',
		'runuser',
		[
			'-u',
			'postgres',
			'--',
			'postgres',
			'-D',
			data,
			'-p',
			String(port),
			'-k',
			directory,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
		],
		{ cwd: directory, stopSignal: 'SIGINT', service: true },
	);
	const psql = async (database: string, sql: string) =>
		(
			await sh(
				'psql',
				[
					'-h',
					directory,
					'-p',
					String(port),
					'-U',
					'postgres',
					'-d',
					database,
					'-v',
					'ON_ERROR_STOP=1',
					'-X',
					'-A',
					'-t',
					'-F',
					'\t',
					'-c',
					sql,
				],
				{ cwd: directory },
			)
		).stdout;
	await waitUntil(
		'PostgreSQL to accept connections',
		() =>
			psql('postgres', 'SELECT 1').then(
				() => true,
				() => false,
			),
		30_000,
		server,
	);
	const password = randomBytes(18).toString('hex');
	await psql('postgres', `CREATE ROLE n8n LOGIN PASSWORD '${password}'`);
	await psql('postgres', 'CREATE DATABASE n8n OWNER n8n');
	return {
		port,
		database: 'n8n',
		user: 'n8n',
		password,
		query: async (sql) =>
			(await psql('n8n', sql))
				.split('\n')
				.filter((line) => line.length > 0)
				.map((line) => line.split('\t')),
	};
}

// ---- Redis ------------------------------------------------------------------

const REDIS_SERVER = '/usr/bin/redis-server';

/** Debian's redis-server package, installed when missing, as editor.ts does for chromium (the machines here run as root). */
export async function ensureRedis(): Promise<number | undefined> {
	if (existsSync(REDIS_SERVER)) return undefined;
	step("Installing Debian's redis-server package");
	const started = Date.now();
	await sh('apt-get', ['update'], { timeoutMs: 10 * 60_000 });
	await sh('apt-get', ['install', '-y', 'redis-server'], {
		timeoutMs: 10 * 60_000,
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
	});
	return Date.now() - started;
}

export interface Redis {
	port: number;
	/** A redis-cli command's answer, one line per element. */
	command(...args: string[]): Promise<string[]>;
}

/** A throw-away Redis on loopback: nothing saved to disk. */
export async function startRedis(processes: Processes, directory: string): Promise<Redis> {
	mkdirSync(directory, { recursive: true });
	const port = await uniqueFreePort();
	const server = processes.start(
		'redis',
		REDIS_SERVER,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			directory,
		],
		{ cwd: directory, service: true },
	);
	await waitUntil(
		'Redis to accept connections',
		() => server.output().includes('Ready to accept connections'),
		30_000,
		server,
	);
	return {
		port,
		command: async (...args) =>
			(await sh('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--raw', ...args])).stdout
				.split('\n')
				.filter((line) => line.length > 0),
	};
}
