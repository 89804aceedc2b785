import type { IExecuteSingleFunctions } from 'n8n-workflow';

/**
 * What the items of one run of the node (one pass over its input items) share.
 * n8n starts all items at once, so the first to need something (the
 * credential's settings, the user directory) fetches it and the others wait
 * for the same answer. n8n gives every run of a node its own execute-data
 * object, each pass of a loop included: keyed on it, nothing outlives the run
 * or leaks into the next one, where the organization may have changed.
 */
const runs = new WeakMap<object, Map<string, Promise<unknown>>>();

export async function shareWithinRun<T>(
	context: IExecuteSingleFunctions,
	key: string,
	fetch: () => Promise<T>,
): Promise<T> {
	const run = context.getExecuteData();
	if (!run) return await fetch();
	let shared = runs.get(run);
	if (!shared) {
		shared = new Map();
		runs.set(run, shared);
	}
	let pending = shared.get(key) as Promise<T> | undefined;
	if (!pending) {
		pending = fetch();
		// Items waiting now get the failure too; a retry of the node asks again.
		pending.catch(() => shared.delete(key));
		shared.set(key, pending);
	}
	return await pending;
}

const arrivals = new WeakMap<object, Map<number, unknown>>();

/**
 * Notes that an item of the run reached the node's code, with what it
 * brings. n8n prepares the items one after the other without pausing (but
 * for Request Options → Batching) and calls the node's hook for each as it
 * goes, so once the first item's code has awaited anything, every item n8n
 * could prepare has arrived; an item missing then failed in n8n's hands (an
 * expression error, say). Must be called before the hook's first await.
 */
export function arrive(context: IExecuteSingleFunctions, value: unknown): void {
	const run = context.getExecuteData();
	if (!run) return;
	let arrived = arrivals.get(run);
	if (!arrived) {
		arrived = new Map();
		arrivals.set(run, arrived);
	}
	arrived.set(context.getItemIndex(), value);
}

/** The items of this run that reached the node's code, by item index. */
export function arrivedItems<T>(context: IExecuteSingleFunctions): Map<number, T> {
	const run = context.getExecuteData();
	return ((run && arrivals.get(run)) ?? new Map()) as Map<number, T>;
}
