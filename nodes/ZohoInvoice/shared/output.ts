import type {
	IDataObject,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	PostReceiveAction,
} from 'n8n-workflow';

import { isZohoSuccess, unexpectedResponse } from './errors';
import { resolveUserId } from './userLocator';

/** postReceive: stop at Zoho's error envelope or a body that is not Zoho's JSON, even on HTTP 2xx. */
export async function checkZohoResponse(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	if (!isZohoSuccess(response.body)) throw unexpectedResponse(response.statusCode, response.body);
	return items;
}

/** Get and Get Current User: the user object, not Zoho's envelope. */
export const userOutput: PostReceiveAction[] = [
	checkZohoResponse,
	{ type: 'rootProperty', properties: { property: 'user' } },
];

/**
 * Zoho answers the actions with a message only (sometimes a user object
 * too), so the output names the user acted on.
 */
function actionResult(body: IDataObject, userId: unknown): INodeExecutionData[] {
	const user = body.user as IDataObject | undefined;
	const json: IDataObject = { message: body.message };
	const actedOn = userId ?? user?.user_id;
	if (actedOn !== undefined) json.user_id = actedOn as string;
	if (user) json.user = user;
	return [{ json }];
}

/** Update, Delete, Invite, Mark Active, Mark Inactive. */
export const actionOutput: PostReceiveAction[] = [
	checkZohoResponse,
	async function describeAction(this: IExecuteSingleFunctions, _items, response) {
		return actionResult(response.body as IDataObject, await resolveUserId(this));
	},
];

/** Create: Zoho's reference answers without the new user's id; it is passed on when Zoho sends one. */
export const createOutput: PostReceiveAction[] = [
	checkZohoResponse,
	async function describeCreated(this: IExecuteSingleFunctions, _items, response) {
		return actionResult(response.body as IDataObject, undefined);
	},
];
