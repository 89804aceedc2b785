/**
 * Zoho's limits on jest's fake clock, to measure the rate governor at Zoho's
 * real numbers (100 calls a rolling minute, 10 at a time, about 300 ms a call)
 * in a moment instead of minutes. The sandbox's own LimitKeeper decides each
 * call, and a refusal is thrown the way n8n's HTTP helpers throw an HTTP error,
 * so the governor reads it as it reads one from n8n.
 */
import { LimitKeeper } from '../../sandbox/limits';
import type { ApiLimits } from '../../sandbox/limits';
import { errorBody } from '../../sandbox/zohoAnswers';

export interface ClockedCall {
	sentAt: number;
	answeredAt?: number;
	status?: number;
}

/** An answer to give instead of the limits' own, as the sandbox's injectFault does. */
export interface ClockedFault {
	status: number;
	body: { code: number; message: string };
	headers?: Record<string, string>;
}

/** What n8n's httpRequest throws for an HTTP error: the status, and the response in its cause. */
export function httpError(status: number, body: unknown, headers: Record<string, string> = {}) {
	return Object.assign(new Error(`Request failed with status code ${status}`), {
		httpCode: String(status),
		cause: { response: { status, data: body, headers } },
	});
}

export class ClockedZoho {
	readonly keeper: LimitKeeper;

	readonly calls: ClockedCall[] = [];

	/** Answers every call with this while set. */
	fault?: ClockedFault;

	constructor(
		limits: ApiLimits = { simultaneous: 10, perWindow: 100, windowMs: 60_000 },
		private readonly latencyMs = 300,
	) {
		this.keeper = new LimitKeeper(limits);
	}

	/** One API call: Zoho's answer after the call's latency, or the HTTP error n8n would throw. */
	readonly send = async (): Promise<{ status: number; headers: Record<string, string> }> => {
		const call: ClockedCall = { sentAt: Date.now() };
		this.calls.push(call);
		const fault = this.fault;
		const { refusal, headers, finished } = fault
			? { refusal: undefined, headers: {}, finished: () => undefined }
			: this.keeper.admit();
		await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
		finished();
		call.answeredAt = Date.now();
		if (fault) {
			call.status = fault.status;
			throw httpError(fault.status, fault.body, fault.headers);
		}
		if (refusal) {
			call.status = 429;
			throw httpError(429, errorBody(refusal), headers);
		}
		call.status = 200;
		return { status: 200, headers };
	};

	refused(): number {
		return this.calls.filter((call) => call.status === 429).length;
	}
}

/**
 * Moves jest's fake clock on until `settled` settles or `limitMs` of clock
 * time has passed; true if it settled. Steps are small so that calls start
 * when they would (a timer that fires also runs what it unblocks).
 */
export async function advanceUntil(
	settled: Promise<unknown>,
	limitMs: number,
	stepMs = 50,
): Promise<boolean> {
	let done = false;
	settled.then(
		() => (done = true),
		() => (done = true),
	);
	const until = Date.now() + limitMs;
	while (!done && Date.now() < until) await jest.advanceTimersByTimeAsync(stepMs);
	return done;
}

/** Settles every promise, keeping how each ended and when. */
export function outcomes<T>(
	promises: Array<Promise<T>>,
): Promise<Array<{ value?: T; error?: unknown; at: number }>> {
	return Promise.all(
		promises.map((promise) =>
			promise.then(
				(value) => ({ value, at: Date.now() }),
				(error: unknown) => ({ error, at: Date.now() }),
			),
		),
	);
}
