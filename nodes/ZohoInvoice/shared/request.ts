import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	INodeExecutionData,
} from 'n8n-workflow';

import { zohoApiError } from './errors';
import { MAX_PER_PAGE } from './zoho';

type RoutedRequest = DeclarativeRestApiSettings.ResultOptions;

/** How many users Get Many wants: every one, or up to a limit. */
function wantedUsers(context: IExecutePaginationFunctions): number | undefined {
	if (context.getNodeParameter('operation') !== 'getAll') return undefined;
	return context.getNodeParameter('returnAll', false) ? Infinity : Number(context.getNodeParameter('limit', 50));
}

/**
 * Get Many: Zoho pages by number, at most 200 a page. Ask for exactly the
 * limit when it fits one page; otherwise take full pages and stop as soon as
 * there are enough, or when `page_context.has_more_page` says there are no more.
 */
async function fetchUsers(
	context: IExecutePaginationFunctions,
	request: RoutedRequest,
	wanted: number,
): Promise<INodeExecutionData[]> {
	const perPage = Math.min(wanted, MAX_PER_PAGE);
	const users: INodeExecutionData[] = [];
	for (let page = 1; users.length < wanted; page++) {
		const [response] = await context.makeRoutingRequest({
			...request,
			options: { ...request.options, qs: { ...request.options.qs, page, per_page: perPage } },
		});
		const body = response.json as { users?: IDataObject[]; page_context?: { has_more_page?: boolean } };
		users.push(...(body.users ?? []).map((json) => ({ json })));
		if (body.page_context?.has_more_page !== true) break;
	}
	return users.slice(0, wanted);
}

/**
 * Every routed request runs through here. n8n's pagination hook is the one
 * place a declarative node can wrap its own request: it pages Get Many, turns
 * failures into messages a person can act on, and pairs each output item with
 * the input item it came from. n8n still signs, refreshes tokens and retries a
 * 401 underneath, as for any declarative node.
 */
export async function runRequest(
	this: IExecutePaginationFunctions,
	request: RoutedRequest,
): Promise<INodeExecutionData[]> {
	const wanted = wantedUsers(this);
	let items: INodeExecutionData[];
	try {
		items = wanted === undefined ? await this.makeRoutingRequest(request) : await fetchUsers(this, request, wanted);
	} catch (error) {
		throw zohoApiError(this.getNode(), error, request.options.baseURL, this.getItemIndex());
	}
	const pairedItem = { item: this.getItemIndex() };
	return items.map((item) => ({ ...item, pairedItem }));
}
