import type {
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodePropertyRouting,
	ITaskDataConnections,
} from 'n8n-workflow';

import { asNodeError } from './errors';

/**
 * One run of the node: one pass of n8n's RoutingNode over the input items
 * (n8n-core's routing-node.ts). n8n starts every item as soon as it has
 * prepared it, so the items of a run share what one of them fetched (the
 * credential's settings, the user directory), and when the run fails its
 * items still waiting are dropped.
 *
 * A run is told apart by the node itself: RoutingNode prepares item 0, 1, 2…
 * in order, and the Resource selector's preSend runs first for each item
 * (enterRun). Retry On Fail reruns the node with the same execute-data object
 * (n8n-core's workflow-execute.ts), so only a new pass from its first item
 * tells a retry from the try before: each try starts with nothing shared. A
 * loop's passes each have an execute-data object of their own.
 */
class NodeRun {
	/** What the items share: the first to need something fetches it, the others wait for the same answer. */
	readonly shared = new Map<string, Promise<unknown>>();

	/** The last item that entered: RoutingNode prepares them in order. */
	lastItem = -1;

	/** The items that reached the node's code, with what they bring (see arrive). */
	readonly arrivals = new Map<number, unknown>();

	private readonly stopper = new AbortController();

	/** Requests of a kind Zoho refused the token for: aborted with that refusal. */
	private readonly refusals = new Map<string, AbortController>();

	constructor(private readonly executionSignal: AbortSignal | undefined) {}

	refusal(kind: string): AbortController {
		let refusal = this.refusals.get(kind);
		if (!refusal) {
			refusal = new AbortController();
			this.refusals.set(kind, refusal);
		}
		return refusal;
	}

	/**
	 * Aborted when the execution is cancelled, the run stops, or (given a kind)
	 * Zoho refused the token for a call of that kind: a call still waiting for
	 * its turn then leaves the queue. A new one for each caller: the
	 * rate governor listens on it, and a thousand items listening on one signal
	 * would set off Node's listener-leak warning.
	 */
	callSignal(kind?: string): AbortSignal {
		const signals = [this.stopper.signal];
		if (this.executionSignal) signals.push(this.executionSignal);
		if (kind !== undefined) signals.push(this.refusal(kind).signal);
		return AbortSignal.any(signals);
	}

	get stopped(): boolean {
		return this.stopper.signal.aborted;
	}

	stop(): void {
		this.stopper.abort(
			new Error('Not sent: another item of this run failed, and n8n failed the node for it'),
		);
	}
}

/** The run each pass of RoutingNode is in, by execute-data object. */
const currentRuns = new WeakMap<object, NodeRun>();
/** The run of each item, by the item's context. */
const itemRuns = new WeakMap<object, NodeRun>();

/**
 * The run an item's context is in. n8n hands the pagination hook an object
 * made from the item's context (Object.create in RoutingNode's makeRequest),
 * so the prototypes are looked at too.
 */
function runOf(context: object): NodeRun | undefined {
	for (
		let candidate: object | null = context;
		candidate;
		candidate = Object.getPrototypeOf(candidate)
	) {
		const run = itemRuns.get(candidate);
		if (run) return run;
	}
	return undefined;
}

/** How many items RoutingNode goes through: its own reading of the context's input. */
function itemCount(context: IExecuteSingleFunctions): number | undefined {
	const { inputData } = context as unknown as { inputData?: ITaskDataConnections };
	const items = (inputData?.main ?? inputData?.ai_tool)?.[0];
	return Array.isArray(items) ? items.length : undefined;
}

/** Request Options → Batching: RoutingNode then waits between batches while it prepares the items. */
function batchesWithPauses(context: IExecuteSingleFunctions): boolean {
	const options = context.getNodeParameter('requestOptions', {}) as {
		batching?: { batch?: { batchInterval?: number } };
	};
	return Number(options?.batching?.batch?.batchInterval) > 0;
}

/**
 * An item enters its run: n8n calls this while it prepares the item, before
 * anything else of the item runs. An item that is not past the run's last
 * one starts a new run: a new pass over the items, as on a retry.
 */
function enterRun(context: IExecuteSingleFunctions): void {
	const execution = context.getExecuteData() as object | undefined;
	if (!execution) return;
	const itemIndex = context.getItemIndex();
	let run = currentRuns.get(execution);
	if (!run || itemIndex <= run.lastItem) {
		run = new NodeRun(context.getExecutionCancelSignal());
		currentRuns.set(execution, run);
		watchPreparation(context, run);
	}
	run.lastItem = itemIndex;
	itemRuns.set(context, run);
}

/**
 * RoutingNode prepares every item in one go, without waiting, unless Batching
 * pauses it; an item whose expression throws (it names a node that did not
 * run) ends the pass there and, without On Error → Continue, fails the node at
 * once while the items before it go on. So once the pass is over, a run whose
 * last item did not enter has failed, and it stops.
 */
function watchPreparation(context: IExecuteSingleFunctions, run: NodeRun): void {
	if (context.continueOnFail() || batchesWithPauses(context)) return;
	const count = itemCount(context);
	if (count === undefined) return;
	void Promise.resolve().then(() => {
		if (run.lastItem < count - 1) run.stop();
	});
}

/** The Resource selector's preSend, first of every item's: the item enters its run. */
export async function enterRunPreSend(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	enterRun(this);
	return requestOptions;
}

/** The item's run, as a key: what tells one pass of the node from another (the rate governor's fairness). */
export function runKeyOf(context: IExecuteSingleFunctions): object | undefined {
	return runOf(context);
}

/** Whether the item's run has stopped: n8n has failed the node for another of its items. */
export function runHasStopped(context: IExecuteSingleFunctions): boolean {
	return runOf(context)?.stopped ?? false;
}

/**
 * An item failed. Without On Error → Continue, n8n fails the node for it once
 * every item has settled: the run stops, so what its other items still wait
 * to send is dropped, unsent. With it, the other items go on.
 */
export function itemFailed(context: IExecuteSingleFunctions): void {
	if (!context.continueOnFail()) runOf(context)?.stop();
}

/**
 * What one of the item's calls waits with: its turn is given up when the run
 * stops, the execution is cancelled, or (given its kind) Zoho refused the
 * token for another call of that kind in this run.
 */
export function callSignal(
	context: IExecuteSingleFunctions,
	kind?: string,
): AbortSignal | undefined {
	return runOf(context)?.callSignal(kind) ?? context.getExecutionCancelSignal();
}

/** Zoho's refusal of another call of the run, given to a call of the same kind instead of sending it. */
export class RefusedWithinRun extends Error {
	constructor(readonly refusal: unknown) {
		super('Not sent: Zoho refused the same request for another item of this run');
	}
}

/**
 * Zoho refused the token for a call of this kind: the run's other calls of
 * the kind would be refused the same way (and, for OAuth2, each would cost
 * n8n a token refresh), so they get this refusal without being sent.
 */
export function refuseWithinRun(
	context: IExecuteSingleFunctions,
	kind: string,
	refusal: unknown,
): void {
	runOf(context)?.refusal(kind).abort(new RefusedWithinRun(refusal));
}

type PreSend = (
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
) => Promise<IHttpRequestOptions>;

/** A preSend within the run: skipped once the run has stopped, and its failure stops the run. */
function preSendWithinRun(preSend: PreSend): PreSend {
	return async function (this: IExecuteSingleFunctions, requestOptions: IHttpRequestOptions) {
		if (runHasStopped(this)) return requestOptions;
		try {
			return await preSend.call(this, requestOptions);
		} catch (error) {
			// Dropped along with the run (its listing was never sent, say): the node's error is another item's.
			if (runHasStopped(this)) return requestOptions;
			itemFailed(this);
			throw asNodeError(this.getNode(), error);
		}
	};
}

type Routed = { routing?: INodePropertyRouting; options?: unknown[]; values?: unknown[] };

/** A field or option, and what it holds, with every preSend within the run. */
export function withPreSendsWithinRun<T extends object>(entry: T): T {
	const { routing, options, values } = entry as Routed;
	const preSend = routing?.send?.preSend;
	return {
		...entry,
		...(preSend && {
			routing: { ...routing, send: { ...routing.send, preSend: preSend.map(preSendWithinRun) } },
		}),
		...(Array.isArray(options) && { options: options.map(withinRunIfObject) }),
		...(Array.isArray(values) && { values: values.map(withinRunIfObject) }),
	};
}

function withinRunIfObject(value: unknown): unknown {
	return typeof value === 'object' && value !== null ? withPreSendsWithinRun(value) : value;
}

/**
 * What the items of one run share: the first to ask fetches, the others wait
 * for the same answer. Outside a run (nothing entered), every caller fetches.
 */
export async function shareWithinRun<T>(
	context: IExecuteSingleFunctions,
	key: string,
	fetch: () => Promise<T>,
): Promise<T> {
	const run = runOf(context);
	if (!run) return await fetch();
	const { shared } = run;
	let pending = shared.get(key) as Promise<T> | undefined;
	if (!pending) {
		pending = fetch();
		// Items waiting now get the failure too; the next item to ask fetches again.
		pending.catch(() => shared.delete(key));
		shared.set(key, pending);
	}
	return await pending;
}

/**
 * Notes that an item of the run reached the node's code, with what it
 * brings. n8n prepares the items one after the other without pausing (but
 * for Request Options → Batching) and starts each as it goes, so once a timer
 * has fired after the first item's code began, every item n8n could prepare
 * has arrived; an item missing then failed in n8n's hands (an expression
 * error, say). Must be called before the item's code awaits anything.
 */
export function arrive(context: IExecuteSingleFunctions, value: unknown): void {
	runOf(context)?.arrivals.set(context.getItemIndex(), value);
}

/** The items of this run that reached the node's code, by item index. */
export function arrivedItems<T>(context: IExecuteSingleFunctions): Map<number, T> {
	return (runOf(context)?.arrivals ?? new Map()) as Map<number, T>;
}

/** How many items n8n hands this run of the node. */
export function itemsOfRun(context: IExecuteSingleFunctions): number | undefined {
	return itemCount(context);
}

const itemMemos = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Worked out once for an item, however many of its hooks ask: n8n hands
 * each hook the item's context or an object made from it (runOf), and a new
 * context for every try. A failure is not kept: the next asker tries again.
 */
export async function onceForItem<T>(
	context: object,
	key: string,
	compute: () => Promise<T>,
): Promise<T> {
	for (
		let candidate: object | null = context;
		candidate;
		candidate = Object.getPrototypeOf(candidate)
	) {
		const known = itemMemos.get(candidate)?.get(key) as Promise<T> | undefined;
		if (known) return await known;
	}
	const memo = itemMemos.get(context) ?? new Map<string, Promise<unknown>>();
	itemMemos.set(context, memo);
	const pending = compute();
	memo.set(key, pending);
	pending.catch(() => memo.delete(key));
	return await pending;
}
