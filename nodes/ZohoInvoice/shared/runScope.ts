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
