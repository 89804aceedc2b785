import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	IHttpRequestOptions,
	INodeExecutionData,
} from 'n8n-workflow';

import { listPageOf, recordOf, successOf } from './answers';
import type { AnswerSource } from './answers';
import { requestScope, zohoConnection } from './connection';
import type { RoutedRequest, ZohoCall, ZohoOperation, ZohoResource } from './operation';
import { asNodeError, requestFailedError } from './errors';
import { readFailure } from './failure';
import { collectPages } from './pagination';
import { booleanParameter, positiveIntegerParameter } from './parameters';
import { noteZohoAnswerHeaders, withinRateLimits } from './rateLimits';
import {
	RefusedWithinRun,
	arrive,
	callSignal,
	itemFailed,
	refuseWithinRun,
	runHasStopped,
	shareWithinRun,
} from './runScope';

/** Sends the item's routed request, with changes if given, within the rate limits; resolves with Zoho's answer. */
type SendRoutedRequest = (changes?: Partial<IHttpRequestOptions>) => Promise<unknown>;

/** How many records a list operation wants: Return All, or up to Limit. */
function wantedRecords(context: IExecutePaginationFunctions): number {
	if (booleanParameter(context, 'returnAll', 'Return All', false)) return Infinity;
	return positiveIntegerParameter(context, 'limit', 'Limit');
}

function withoutUndefined(json: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(json).filter(([, value]) => value !== undefined));
}

/** Runs one operation for one item: its requests, and what the node outputs for them. */
async function runOperation(
	context: IExecutePaginationFunctions,
	resource: ZohoResource,
	operation: ZohoOperation,
	request: RoutedRequest,
	send: SendRoutedRequest,
	source: AnswerSource,
): Promise<IDataObject[]> {
	const { output } = operation;
	if ('run' in output) {
		// Each call whole: method, path, body and query as the operation wrote them.
		return await output.run(context, request, async (call: ZohoCall) =>
			successOf(
				await send({
					method: call.method,
					url: call.url,
					body: call.body ?? {},
					qs: call.qs ?? {},
				}),
				source,
			),
		);
	}
	if ('list' in output) {
		return await collectPages(
			async (page, perPage) =>
				listPageOf(
					await send({ qs: { ...request.options.qs, page, per_page: perPage } }),
					output.list,
					source,
				),
			wantedRecords(context),
			{ node: source.node, itemIndex: context.getItemIndex() },
		);
	}
	const answer = await send();
	if ('record' in output) return [recordOf(answer, output.record, source)];
	const envelope = successOf(answer, source);
	const record = envelope[resource.record];
	return [
		{
			message: envelope.message as string | undefined,
			...(await output.message(context, envelope)),
			[resource.record]:
				typeof record === 'object' && record !== null ? (record as IDataObject) : undefined,
		},
	];
}

/**
 * Every routed request of the node runs through here: n8n's pagination hook
 * is the one place a declarative node can wrap its own request, and the
 * Resource selector turns it on for every operation (shared/descriptions.ts).
 * It checks the credential once per run, keeps each request within Zoho's
 * rate limits, pages list operations, turns failures into messages a person
 * can act on, shapes the output the operation declares and pairs it with its
 * input item. n8n still signs, refreshes tokens and retries a 401 underneath,
 * as for any declarative node. An item that fails stops its run, unless On
 * Error → Continue (shared/runScope.ts): n8n fails the node for it anyway.
 */
export function zohoRequestPipeline(resources: ZohoResource[]) {
	const operations = new Map<string, { resource: ZohoResource; operation: ZohoOperation }>();
	for (const resource of resources) {
		for (const operation of resource.operations) {
			operations.set(`${resource.value}:${String(operation.option.value)}`, {
				resource,
				operation,
			});
		}
	}

	async function runItem(
		context: IExecutePaginationFunctions,
		request: RoutedRequest,
	): Promise<INodeExecutionData[]> {
		// Before anything is awaited: an operation that needs the whole list (Sync) learns from it which items came.
		arrive(context, { context, request });
		const node = context.getNode();
		const itemIndex = context.getItemIndex();
		// Resource and operation take no expressions: the same for every item of the run.
		const name = await shareWithinRun(
			context,
			'operation',
			async () =>
				`${String(context.getNodeParameter('resource'))}:${String(context.getNodeParameter('operation'))}`,
		);
		const found = operations.get(name);
		if (!found)
			throw new NodeOperationError(node, `The node has no operation ${name}`, { itemIndex });
		const { resource, operation } = found;

		const { source, limits } = requestScope(
			context,
			await zohoConnection(context),
			resource.record,
			operation,
		);

		const send: SendRoutedRequest = async (changes?: Partial<IHttpRequestOptions>) => {
			const routed = changes
				? { ...request, options: { ...request.options, ...changes } }
				: request;
			// Zoho's scope for a request goes by its method (POST: CREATE, which covers invite and
			// mark active or inactive; GET: READ; PUT: UPDATE; DELETE: DELETE).
			const kind = String(routed.options.method ?? 'GET');
			let items: INodeExecutionData[];
			try {
				items = await withinRateLimits(
					{ ...limits, signal: callSignal(context, kind) },
					async () => await context.makeRoutingRequest(routed),
				);
			} catch (error) {
				const failure = error instanceof RefusedWithinRun ? error.refusal : error;
				if (readFailure(failure).scopeRefused) refuseWithinRun(context, kind, failure);
				throw requestFailedError(node, failure, source.failure);
			}
			// The operations declare no postReceive, so n8n hands over Zoho's answer as it came.
			return items.length === 1 ? items[0].json : items.map((item) => item.json);
		};

		const records = await runOperation(context, resource, operation, request, send, source);
		return records.map((json) => ({
			json: withoutUndefined(json),
			pairedItem: { item: itemIndex },
		}));
	}

	return async function runZohoRequest(
		this: IExecutePaginationFunctions,
		request: RoutedRequest,
	): Promise<INodeExecutionData[]> {
		// n8n has failed the node for another item: nothing more of this run is sent, nor reported.
		if (runHasStopped(this)) return [];
		try {
			return await runItem(this, request);
		} catch (error) {
			if (runHasStopped(this)) return [];
			itemFailed(this);
			throw asNodeError(this.getNode(), error);
		}
	};
}

/**
 * A postReceive for every routed request (the Resource selector declares it):
 * n8n hands a postReceive function the full response on both n8n lines, the
 * one place a declarative node sees a routed answer's headers. The items pass
 * through as they came.
 */
export async function noteRoutedAnswerHeaders(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	noteZohoAnswerHeaders((await zohoConnection(this)).organizationKey, response.headers);
	return items;
}
