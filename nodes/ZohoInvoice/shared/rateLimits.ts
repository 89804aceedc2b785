import * as n8nWorkflow from 'n8n-workflow';

import {
	RateLimitWaitExceeded,
	ZohoRequestFailed,
	asRecord,
	dailyQuotaOf,
	readFailure,
	zohoFailure,
} from './failure';
import type { GaveUp, RateLimitReading, ZohoFailure } from './failure';
import { ZOHO_LIMITS } from './zoho';

/**
 * Zoho limits each organization to a number of simultaneous calls, 100 calls
 * per rolling minute and a daily quota, and n8n starts every item of a
 * declarative node at once: 1,000 items would be 1,000 simultaneous calls.
 * One governor per organization, for the whole n8n process (every node and
 * execution), keeps the calls within the limits:
 *
 * - Fair between runs. Runs (an execution's pass over a node's items, a list
 *   search, a poll) take turns. A run with a single call (an editor click, the
 *   User list, a poll, an AI tool call) goes first, and a small share of each
 *   window and one simultaneous slot are kept for such calls: a bulk run may
 *   not take them, unless the window frees a slot soon enough anyway, or all
 *   its calls fit in the window now. So a single call is not queued behind a
 *   1,000-item run, which still gets nearly the whole window.
 * - Adaptive. A 429 means someone else (another n8n process, another
 *   integration) uses the organization's limits too: the process lowers its
 *   own rate and concurrency (multiplicative decrease) and raises them again
 *   as calls succeed (additive increase). After any 429 one call goes first,
 *   and more as calls succeed.
 * - Bounded. When Zoho has refused every call of the organization for a while
 *   (5 minutes), or asks for a longer wait than that, or the daily quota is
 *   used up, every waiting and new call of the organization fails at once,
 *   unsent, until one call asks Zoho again and gets through.
 */
interface RateLimitSettings {
	/** Calls one organization may start per window (Zoho: 100 a minute). */
	callsPerWindow: number;
	windowMs: number;
	/** Zoho refusing every call of an organization this long stops its calls (the circuit opens). */
	maxRefusingMs: number;
	/** How long a used-up daily quota (or a too long Retry-After) fails calls before one asks again. */
	dailyQuotaPauseMs: number;
	/** While the circuit is open, the least time between two calls that ask Zoho again. */
	probeIntervalMs: number;
	/** When a 429 says nothing of when to come back: the first pause, doubled with each refusal. */
	firstPauseMs: number;
	/** The share of each window kept for runs with a single call. */
	reservedShare: number;
	/** How long a single call may wait behind a bulk run for a slot the window frees. */
	singleCallWaitMs: number;
}

/** Zoho's numbers; every pause is a share of the window, so a compressed window compresses them too. */
function settingsFor(windowMs: number): RateLimitSettings {
	const minutes = windowMs / ZOHO_LIMITS.windowMs;
	return {
		callsPerWindow: ZOHO_LIMITS.callsPerWindow,
		windowMs,
		maxRefusingMs: 5 * windowMs,
		dailyQuotaPauseMs: 5 * windowMs,
		probeIntervalMs: windowMs / 3,
		firstPauseMs: 1_000 * minutes,
		reservedShare: 0.05,
		singleCallWaitMs: 1_000 * minutes,
	};
}

let settings = settingsFor(ZOHO_LIMITS.windowMs);

/** Zoho's numbers in production; tests and benchmarks compress the window so a "minute" takes a second. */
export function configureRateLimits(overrides: Partial<RateLimitSettings> = {}): void {
	settings = { ...settingsFor(overrides.windowMs ?? ZOHO_LIMITS.windowMs), ...overrides };
	for (const governor of governors.values()) governor.stopWaking();
	governors.clear();
}

/**
 * A sleep that can be cut short, so that no timer outlives its need: n8n 2.x's
 * `sleep` takes an AbortSignal, n8n 1.x has `sleepWithAbort` for it.
 */
const sleepUnlessAborted: (ms: number, signal: AbortSignal) => Promise<void> =
	(n8nWorkflow as { sleepWithAbort?: (ms: number, signal: AbortSignal) => Promise<void> })
		.sleepWithAbort ?? n8nWorkflow.sleep;

/**
 * How the pace adapts (measured at Zoho's numbers with two processes sharing an organization:
 * test/nodes/ZohoInvoice/shared/rateLimits.processes.test.ts, and `npm run test:e2e:queue`).
 * A per-window 429 leaves half the rate when someone new shares the limits (the rate had grown
 * past 1.5 times where it was last cut), nine tenths when it was near that point.
 */
const RATE_CUT_NEW_SHARER = 0.5;
const RATE_CUT_NEAR_LAST = 0.9;
const NEAR_LAST_CUT = 1.5;
/** The rate never falls below a tenth of Zoho's: the circuit, not the pace, handles a Zoho refusing all. */
const LEAST_RATE_SHARE = 0.1;
/**
 * Per window of successes the rate grows by a tenth of Zoho's rate, or by a hundredth for two
 * windows after a cut near the shared point, so that refusals stay rare there.
 */
const RATE_INCREASE = 0.1;
const RATE_INCREASE_NEAR = 0.01;
const SLOW_WINDOWS = 2;

/** A run with more calls than this in a window is not a single call, however it sends them. */
const CALLS_OF_A_SINGLE_RUN = 5;

/** However short Zoho's pauses, one request is refused this many times at most. */
const MAX_REFUSALS = 20;

interface Run {
	key: object;
	waiting: Waiter[];
	inFlight: number;
	/** Seen with calls queued, all of which fitted in the window's free room: it is not paced. */
	fitsWindow: boolean;
}

interface Waiter {
	run: Run;
	signal?: AbortSignal;
	resolve: (call: Call) => void;
	reject: (error: unknown) => void;
}

/** A started call: who sent it and when, and whether it asks Zoho again for a stopped organization. */
interface Call {
	run: Run;
	startedAt: number;
	probe: boolean;
}

/** The organization's calls fail at once with `error` until a call started at `probeAt` or later gets through. */
interface Stopped {
	error: RateLimitWaitExceeded;
	since: number;
	probeAt: number;
}

class OrganizationGovernor {
	simultaneousCalls: number;

	private inFlight = 0;

	/** When each call of the current window finished: a call counts until it has surely reached Zoho. */
	private readonly finishedAt: number[] = [];

	/** When each single call of the current window started: the reserve grows with them. */
	private readonly singleCallsAt: number[] = [];

	/** When each run's calls of the current window started (forgotten with the run). */
	private readonly startsOfRun = new WeakMap<object, number[]>();

	/** The runs with calls waiting or in flight, in the order of their turns. */
	private readonly runs = new Map<object, Run>();

	/** One abort listener per signal (an execution's), whatever the number of its waiting calls. */
	private readonly watched = new Map<AbortSignal, { waiters: Set<Waiter>; onAbort: () => void }>();

	/** Calls per window and at once this process allows itself: lowered by 429s, raised by successes. */
	private rate = settings.callsPerWindow;

	private concurrency: number;

	/** After a 429: calls allowed in flight, one more with each success. */
	private widening = Infinity;

	/** When the last refusal came: a call sent before it was sent at the old pace, and says nothing new. */
	private lastRefusalAt = -Infinity;

	private lastRateCutAt = -Infinity;

	private rateAtLastCut?: number;

	private backOffs = 0;

	private pausedUntil = 0;

	/** Since when Zoho has refused every call of the organization. */
	private refusingSince?: number;

	/** Zoho's code 45 alone: the daily quota, or the per-minute limit? Since when it is suspected. */
	private dailyQuotaSuspectedAt?: number;

	private stopped?: Stopped;

	private probeInFlight = false;

	private wakeUp?: { at: number; cancel: AbortController };

	constructor(simultaneousCalls: number) {
		this.simultaneousCalls = simultaneousCalls;
		this.concurrency = simultaneousCalls;
	}

	get idle(): boolean {
		this.forgetOldCalls(Date.now());
		return (
			this.inFlight === 0 && this.runs.size === 0 && this.finishedAt.length === 0 && !this.stopped
		);
	}

	/** Wait for the run's turn and a slot; a cancelled execution stops waiting at once. */
	async acquire(key: object, signal: AbortSignal | undefined, retry: boolean): Promise<Call> {
		signal?.throwIfAborted();
		const now = Date.now();
		if (this.stopped && now < this.stopped.probeAt && !this.probeInFlight) throw this.stopped.error;
		if (this.idle) this.startAfresh();
		let run = this.runs.get(key);
		if (!run) {
			run = { key, waiting: [], inFlight: 0, fitsWindow: false };
			this.runs.set(key, run);
		}
		const queue = run.waiting;
		return await new Promise<Call>((resolve, reject) => {
			const waiter: Waiter = { run: run!, signal, resolve, reject };
			// A refused call keeps its place at the head of its run.
			if (retry) queue.unshift(waiter);
			else queue.push(waiter);
			this.watch(waiter);
			this.schedule();
		});
	}

	/** Zoho answered (with anything but a rate limit): its limits let the call through. */
	succeeded(call: Call): void {
		if (this.stopped && call.startedAt >= this.stopped.since) {
			// The call that asked again got through: the organization's calls go again, one first.
			this.stopped = undefined;
			this.startAfresh();
			this.widening = 1;
		}
		if (!this.stopped) {
			this.refusingSince = undefined;
			this.dailyQuotaSuspectedAt = undefined;
			this.backOffs = 0;
			this.rate = Math.min(settings.callsPerWindow, this.rate + this.rateIncrease() / this.rate);
			// One more at once per window of successes: slow, since a few at a time carry the rate anyway.
			this.concurrency = Math.min(this.simultaneousCalls, this.concurrency + 1 / this.rate);
			if (++this.widening >= this.simultaneousCalls) this.widening = Infinity;
		}
		this.release(call, true);
	}

	/** The call failed without Zoho's answer (a network error): it may have reached Zoho. */
	failed(call: Call): void {
		this.release(call, true);
	}

	/** Cancelled before it was sent: it takes no place in Zoho's window. */
	unsent(call: Call): void {
		this.release(call, false);
	}

	/**
	 * Zoho refused the call for one of its limits. Resolves to the error to
	 * throw when the organization's calls stop; otherwise the call tries again.
	 */
	refused(
		call: Call,
		reading: RateLimitReading,
		failure: ZohoFailure,
	): RateLimitWaitExceeded | undefined {
		const now = Date.now();
		this.refusingSince ??= now;
		if (this.stopped && call.startedAt < this.stopped.since) {
			// Sent before the organization's calls stopped: it fails with them.
			this.release(call, true);
			return this.stopped.error;
		}
		const retryAfter = retryAfterMs(failure);
		const gaveUp = this.gaveUpOn(call, reading, failure, retryAfter, now);
		if (gaveUp) this.stop(failure, gaveUp, now);
		else {
			// A call asking again was refused, but for something the pauses below handle.
			this.stopped = undefined;
			this.slowDown(call, reading, retryAfter, now);
		}
		this.release(call, true);
		return this.stopped?.error;
	}

	/**
	 * The daily quota is used up: Zoho said so, or its X-Rate-Limit-Remaining was 0 (known before
	 * a refusal). Said again by the call that asked again, it stops the calls anew.
	 */
	quotaUsedUp(failure: ZohoFailure, quota = dailyQuotaOf(failure.headers)): void {
		this.stop(failure, { reason: 'dailyQuota', quota }, Date.now());
	}

	/** Throws when the organization's calls are stopped and it is not yet time to ask Zoho again. */
	throwIfStopped(): void {
		if (this.stopped && Date.now() < this.stopped.probeAt) throw this.stopped.error;
	}

	stopWaking(): void {
		this.wakeUp?.cancel.abort();
		this.wakeUp = undefined;
	}

	private gaveUpOn(
		call: Call,
		reading: RateLimitReading,
		failure: ZohoFailure,
		retryAfter: number | undefined,
		now: number,
	): GaveUp | undefined {
		if (reading.kind === 'daily') {
			if (reading.certain) return { reason: 'dailyQuota', quota: dailyQuotaOf(failure.headers) };
			// Code 45 alone again, from a call sent once the window had passed since the first: not the minute.
			const suspectedAt = this.dailyQuotaSuspectedAt;
			if (suspectedAt !== undefined && call.startedAt >= suspectedAt + settings.windowMs)
				return { reason: 'dailyQuota' };
		}
		if (retryAfter !== undefined && retryAfter > settings.maxRefusingMs)
			return { reason: 'retryAfter', retryAfterMs: retryAfter, maxWaitMs: settings.maxRefusingMs };
		const refusedForMs = now - (this.refusingSince ?? now);
		if (refusedForMs >= settings.maxRefusingMs)
			return {
				reason: 'refusing',
				refusedForMs,
				nextProbeInMs: Math.max(settings.probeIntervalMs, retryAfter ?? 0),
			};
		return undefined;
	}

	/** Every waiting and new call fails at once with this, until a call gets through after `probeAt`. */
	private stop(failure: ZohoFailure, gaveUp: GaveUp, now: number): void {
		// A day's wait is not trusted blindly either: one call every few minutes is cheap.
		const probeInMs =
			gaveUp.reason === 'refusing'
				? gaveUp.nextProbeInMs
				: gaveUp.reason === 'retryAfter'
					? Math.min(gaveUp.retryAfterMs, settings.dailyQuotaPauseMs)
					: settings.dailyQuotaPauseMs;
		const error = new RateLimitWaitExceeded(failure, gaveUp);
		this.stopped = { error, since: now, probeAt: now + probeInMs };
		for (const run of this.runs.values()) {
			for (const waiter of run.waiting.splice(0)) {
				this.unwatch(waiter);
				waiter.reject(error);
			}
			this.dropIfDone(run);
		}
		this.stopWaking();
	}

	/**
	 * Lower the pace and pause. The rate is cut at most once a window (Zoho's
	 * window is the time it takes to learn the effect of a cut): by half when the
	 * rate had grown well past where it was last cut (someone new shares the
	 * limits), by a tenth when it is near it (trimming a shared equilibrium).
	 */
	private slowDown(
		call: Call,
		reading: RateLimitReading,
		retryAfter: number | undefined,
		now: number,
	): void {
		const newRefusal = call.startedAt >= this.lastRefusalAt;
		this.lastRefusalAt = now;
		if (newRefusal) this.backOffs += 1;
		if (reading.kind === 'simultaneous') {
			if (newRefusal) this.concurrency = Math.max(1, this.concurrency / 2);
		} else if (now - this.lastRateCutAt >= settings.windowMs) {
			const newSharer =
				this.rateAtLastCut === undefined || this.rate > NEAR_LAST_CUT * this.rateAtLastCut;
			this.rateAtLastCut = this.rate;
			this.lastRateCutAt = now;
			this.rate = Math.max(
				LEAST_RATE_SHARE * settings.callsPerWindow,
				this.rate * (newSharer ? RATE_CUT_NEW_SHARER : RATE_CUT_NEAR_LAST),
			);
		}
		let pauseMs: number;
		if (reading.kind === 'daily') {
			// Code 45 alone: the per-minute limit frees within a window; one call then tells which it was.
			this.dailyQuotaSuspectedAt ??= now;
			pauseMs = this.dailyQuotaSuspectedAt + settings.windowMs - now;
		} else if (retryAfter !== undefined) pauseMs = retryAfter;
		else if (reading.kind === 'perWindow' && this.finishedAt.length) {
			// Zoho's window is full; this process's own oldest call leaving it is the first sure room.
			// (X-Rate-Limit-Reset counts down to the daily reset: it is never this wait.)
			pauseMs = Math.max(this.finishedAt[0] + settings.windowMs - now, settings.firstPauseMs);
		} else pauseMs = Math.min(settings.firstPauseMs * 2 ** (this.backOffs - 1), settings.windowMs);
		if (retryAfter === undefined && this.refusingSince !== undefined) {
			// The node's own pauses end by the bound, so that the call made then settles the question.
			const untilBound = this.refusingSince + settings.maxRefusingMs - now;
			pauseMs = Math.min(pauseMs, Math.max(untilBound, settings.firstPauseMs));
		}
		this.pausedUntil = Math.max(this.pausedUntil, now + pauseMs);
		this.widening = 1;
	}

	/**
	 * What the rate grows by per window of successes: slowly near the rate where it was last cut
	 * (the shared equilibrium, so refusals stay rare), fast below it or once past it (room is free).
	 */
	private rateIncrease(): number {
		const lastCut = this.rateAtLastCut;
		const near =
			lastCut !== undefined &&
			this.rate >= RATE_CUT_NEAR_LAST * lastCut &&
			this.rate <= lastCut &&
			Date.now() - this.lastRateCutAt < SLOW_WINDOWS * settings.windowMs;
		return (near ? RATE_INCREASE_NEAR : RATE_INCREASE) * settings.callsPerWindow;
	}

	/** Nothing in flight, queued or in the window for a whole window: what 429s taught is stale. */
	private startAfresh(): void {
		this.rate = settings.callsPerWindow;
		this.concurrency = this.simultaneousCalls;
		this.widening = Infinity;
		this.backOffs = 0;
		this.lastRateCutAt = -Infinity;
		this.rateAtLastCut = undefined;
		this.refusingSince = undefined;
		this.dailyQuotaSuspectedAt = undefined;
	}

	private release(call: Call, sent: boolean): void {
		this.inFlight -= 1;
		call.run.inFlight -= 1;
		if (sent) this.finishedAt.push(Date.now());
		if (call.probe) this.probeInFlight = false;
		this.dropIfDone(call.run);
		this.schedule();
	}

	private dropIfDone(run: Run): void {
		if (run.waiting.length === 0 && run.inFlight === 0) this.runs.delete(run.key);
	}

	private forgetOldCalls(now: number): void {
		while (this.finishedAt.length && now - this.finishedAt[0] >= settings.windowMs)
			this.finishedAt.shift();
		while (this.singleCallsAt.length && now - this.singleCallsAt[0] >= settings.windowMs)
			this.singleCallsAt.shift();
	}

	/** How many calls of the window leave it within `ms` from now. */
	private leavingWithin(now: number, ms: number): number {
		let count = 0;
		while (count < this.finishedAt.length && this.finishedAt[count] + settings.windowMs <= now + ms)
			count++;
		return count;
	}

	private startsOf(run: Run, now: number): number[] {
		let starts = this.startsOfRun.get(run.key);
		if (!starts) {
			starts = [];
			this.startsOfRun.set(run.key, starts);
		}
		while (starts.length && now - starts[0] >= settings.windowMs) starts.shift();
		return starts;
	}

	/**
	 * A run whose only pending call this is, and one of its first few in the window: an editor
	 * click, a list search, a poll's page. (A run whose items n8n prepares more slowly than Zoho
	 * answers them also has one call pending at a time: its count in the window tells it apart.)
	 */
	private isSingle(run: Run, now: number): boolean {
		return (
			run.inFlight + run.waiting.length <= 1 &&
			this.startsOf(run, now).length < CALLS_OF_A_SINGLE_RUN
		);
	}

	/** Kept for single calls: a share of the window, and as many again as single calls came in it. */
	private reserve(windowCap: number): number {
		if (windowCap < 2) return 0;
		const share = Math.max(1, Math.round(windowCap * settings.reservedShare));
		return Math.min(share + this.singleCallsAt.length, windowCap - 1);
	}

	/** May the run's next call start now? */
	private admits(run: Run, now: number): boolean {
		if (this.stopped) {
			// One call at a time asks Zoho again, when it is time to.
			return !this.probeInFlight && now >= this.stopped.probeAt;
		}
		if (now < this.pausedUntil) return false;
		const slots = Math.min(this.simultaneousCalls, Math.floor(this.concurrency), this.widening);
		if (this.inFlight >= slots) return false;
		const windowCap = Math.floor(this.rate);
		const used = this.inFlight + this.finishedAt.length;
		if (used >= windowCap) return false;
		if (this.isSingle(run, now)) return true;
		// A run with more calls pending leaves one slot free, and a share of the window as the
		// window will be a moment from now (what frees by then is as good as free for a single
		// call); unless its queued calls all fit in the window, so that it is not paced at all.
		// (One call queued at a time says nothing: n8n may be preparing the items one by one.)
		if (slots >= 2 && this.inFlight >= slots - 1) return false;
		if (run.waiting.length >= 2) run.fitsWindow = run.waiting.length <= windowCap - used;
		if (run.fitsWindow) return true;
		// A run sending one call at a time spreads its calls over the window, so the window keeps
		// freeing slots for single calls: alone, it may use the reserve (a long listing, a poll).
		if (run.inFlight === 0 && run.waiting.length === 1 && !this.othersWaiting(run)) return true;
		const leaving = this.leavingWithin(now, settings.singleCallWaitMs);
		return used + 1 - leaving <= windowCap - this.reserve(windowCap);
	}

	private othersWaiting(run: Run): boolean {
		for (const other of this.runs.values())
			if (other !== run && other.waiting.length > 0) return true;
		return false;
	}

	/** Whose turn it is: runs with a single call first, then the others, each in turn. */
	private nextRun(now: number): Run | undefined {
		let bulk: Run | undefined;
		for (const run of this.runs.values()) {
			if (run.waiting.length === 0) continue;
			if (this.isSingle(run, now)) {
				if (this.admits(run, now)) return run;
			} else if (!bulk && this.admits(run, now)) bulk = run;
		}
		return bulk;
	}

	/** Start what the limits allow; if time must pass first, come back then. */
	private schedule(): void {
		const now = Date.now();
		this.forgetOldCalls(now);
		for (let run = this.nextRun(now); run; run = this.nextRun(now)) {
			if (this.isSingle(run, now)) this.singleCallsAt.push(now);
			this.startsOf(run, now).push(now);
			const waiter = run.waiting.shift()!;
			this.unwatch(waiter);
			run.inFlight += 1;
			this.inFlight += 1;
			// Its turn is over: to the back of the line.
			this.runs.delete(run.key);
			this.runs.set(run.key, run);
			const probe = this.stopped !== undefined;
			if (probe) this.probeInFlight = true;
			waiter.resolve({ run, startedAt: now, probe });
		}
		this.planWakeUp(now);
	}

	/** One timer at most, and only while calls wait for time to pass (not for a call to finish). */
	private planWakeUp(now: number): void {
		const waiting = [...this.runs.values()].some((run) => run.waiting.length > 0);
		const at = waiting && !this.stopped ? this.nextChangeAt(now) : undefined;
		if (at === undefined) {
			this.stopWaking();
			return;
		}
		if (this.wakeUp && this.wakeUp.at <= at) return;
		this.stopWaking();
		const cancel = new AbortController();
		this.wakeUp = { at, cancel };
		sleepUnlessAborted(Math.max(at - now, 1), cancel.signal).then(
			() => {
				// A timer may fire a millisecond early: whoever wakes re-checks, and plans anew if need be.
				if (this.wakeUp?.cancel === cancel) this.wakeUp = undefined;
				this.schedule();
			},
			() => undefined,
		);
	}

	/** The next moment the limits loosen by time alone: a pause ends, a call leaves the window. */
	private nextChangeAt(now: number): number | undefined {
		if (now < this.pausedUntil) return this.pausedUntil;
		if (this.finishedAt.length === 0) return undefined;
		const leaving = this.leavingWithin(now, settings.singleCallWaitMs);
		const nextLeaves = this.finishedAt[0] + settings.windowMs;
		return leaving < this.finishedAt.length
			? Math.min(
					nextLeaves,
					this.finishedAt[leaving] + settings.windowMs - settings.singleCallWaitMs,
				)
			: nextLeaves;
	}

	private watch(waiter: Waiter): void {
		const { signal } = waiter;
		if (!signal) return;
		let watch = this.watched.get(signal);
		if (!watch) {
			const waiters = new Set<Waiter>();
			const onAbort = () => {
				this.watched.delete(signal);
				for (const run of new Set([...waiters].map((each) => each.run))) {
					run.waiting = run.waiting.filter((each) => !waiters.has(each));
					this.dropIfDone(run);
				}
				for (const each of waiters) each.reject(signal.reason);
				this.schedule();
			};
			watch = { waiters, onAbort };
			this.watched.set(signal, watch);
			signal.addEventListener('abort', onAbort, { once: true });
		}
		watch.waiters.add(waiter);
	}

	/** The waiter leaves the queue (started or failed): its execution's listener goes with the last one. */
	private unwatch(waiter: Waiter): void {
		const { signal } = waiter;
		const watch = signal && this.watched.get(signal);
		if (!watch) return;
		watch.waiters.delete(waiter);
		if (watch.waiters.size === 0) {
			signal.removeEventListener('abort', watch.onAbort);
			this.watched.delete(signal);
		}
	}
}

/** Bounded: idle governors are dropped once there are many organizations. */
const governors = new Map<string, OrganizationGovernor>();
const GOVERNORS_KEPT = 100;

function governorFor(organization: string, simultaneousCalls: number): OrganizationGovernor {
	let governor = governors.get(organization);
	if (!governor) {
		if (governors.size >= GOVERNORS_KEPT) {
			for (const [key, candidate] of governors) if (candidate.idle) governors.delete(key);
		}
		governor = new OrganizationGovernor(simultaneousCalls);
		governors.set(organization, governor);
	}
	// The credential's plan decides; the last one seen wins.
	governor.simultaneousCalls = simultaneousCalls;
	return governor;
}

/**
 * Seconds or an HTTP date in Retry-After. A hint of no time at all, or one that
 * cannot be read, is no hint: trusting it would retry at once, forever.
 * X-Rate-Limit-Reset is not read here: it counts down to the daily reset (zoho.ts).
 */
function retryAfterMs(failure: ZohoFailure): number | undefined {
	const entry = Object.entries(failure.headers ?? {}).find(
		([name]) => name.toLowerCase() === 'retry-after',
	);
	const value = String(entry?.[1] ?? '').trim();
	const ms = /^\d+(\.\d+)?$/.test(value)
		? Number(value) * 1000
		: /GMT$/.test(value) && !Number.isNaN(Date.parse(value))
			? Date.parse(value) - Date.now()
			: undefined;
	return ms !== undefined && ms > 0 ? ms : undefined;
}

export interface RateLimitOptions {
	/** The organization: organizationKeyOf(API base URL, organization id). */
	organization: string;
	simultaneousCalls: number;
	/** Pace the calls and wait out 429s; off, a 429 fails at once (the daily quota is still remembered). */
	waitOut: boolean;
	/**
	 * The run the call belongs to, for fairness between runs: an execution's pass
	 * over a node's items, one list search, one poll. Without it the call is a run of its own.
	 */
	run?: object;
	/** The execution's cancel signal: a stopped run gives its waiting places up. */
	signal?: AbortSignal;
}

type Sent<T> = { value: T } | { failure: ZohoFailure };

/**
 * The request's answer, or how it failed: read here, once, into plain values
 * (failure.ts). What is thrown from here on is that reading, never the HTTP
 * error, which carries the request's headers, token included.
 */
async function sendOnce<T>(send: () => Promise<T>): Promise<Sent<T>> {
	try {
		return { value: await send() };
	} catch (failed) {
		return { failure: readFailure(failed) };
	}
}

/** Send one request within the organization's limits, waiting out Zoho's 429s within the bounds above. */
export async function withinRateLimits<T>(
	options: RateLimitOptions,
	send: () => Promise<T>,
): Promise<T> {
	const governor = governorFor(options.organization, options.simultaneousCalls);
	if (!options.waitOut) return await sendUnpaced(governor, send);
	const run = options.run ?? {};
	for (let refusals = 0; ; refusals++) {
		const call = await governor.acquire(run, options.signal, refusals > 0);
		if (options.signal?.aborted) {
			// Cancelled while it waited for its place: never sent, so it takes no place in Zoho's window.
			governor.unsent(call);
			throw options.signal.reason;
		}
		const sent = await sendOnce(send);
		if ('value' in sent) {
			governor.succeeded(call);
			return sent.value;
		}
		const { failure } = sent;
		const reading = failure.rateLimit;
		if (!reading) {
			if (failure.status !== undefined) governor.succeeded(call);
			else governor.failed(call);
			throw new ZohoRequestFailed(failure);
		}
		const stopped = governor.refused(call, reading, failure);
		if (stopped) throw stopped;
		if (refusals + 1 >= MAX_REFUSALS)
			throw new RateLimitWaitExceeded(failure, {
				reason: 'refusedTooOften',
				refusals: refusals + 1,
			});
	}
}

/** Wait Out Rate Limits off: sent at once, a 429 fails at once; a used-up daily quota still stops the calls. */
async function sendUnpaced<T>(governor: OrganizationGovernor, send: () => Promise<T>): Promise<T> {
	governor.throwIfStopped();
	const sent = await sendOnce(send);
	if ('value' in sent) return sent.value;
	const reading = sent.failure.rateLimit;
	if (reading?.kind === 'daily' && reading.certain) governor.quotaUsedUp(sent.failure);
	throw new ZohoRequestFailed(sent.failure);
}

/**
 * Zoho's answer headers, when the node sees them: X-Rate-Limit-Remaining of 0
 * (reported for Zoho Books, zoho.ts) says the daily quota is used up before
 * Zoho refuses a call, so the organization's next calls fail at once.
 */
export function noteZohoAnswerHeaders(organization: string, headers: unknown): void {
	const record = asRecord(headers);
	const quota = dailyQuotaOf(record);
	if (quota?.remaining === 0)
		governors.get(organization)?.quotaUsedUp(zohoFailure({ headers: record }), quota);
}
