import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { actionOutput } from '../../shared/output';
import { zohoApiRequest } from '../../shared/transport';
import { USER_ID_PLACEHOLDER, resolveUserId, userIdField } from '../../shared/userLocator';
import { userRoleField } from '../../shared/userRole';
import { checkUserFields } from '../../shared/validation';

/** Get returns addresses as `email_ids`; the selected one is the user's sign-in address. */
function currentEmail(user: IDataObject): string | undefined {
	const emails = (user.email_ids as Array<{ email?: string; is_selected?: boolean }> | undefined) ?? [];
	return (emails.find((entry) => entry.is_selected) ?? emails[0])?.email ?? (user.email as string | undefined);
}

/**
 * preSend: Zoho requires name and email on every update, so what the user
 * leaves out comes from the user's current record (one GET, only when needed):
 * "change only the role" just works.
 */
async function completeUpdateBody(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const body = { ...((requestOptions.body ?? {}) as IDataObject) };
	if (Object.keys(body).length === 0) {
		throw new NodeOperationError(this.getNode(), 'Update Fields: nothing to update', {
			itemIndex: this.getItemIndex(),
			description: 'Add at least one of Name, Email or Role under Update Fields.',
		});
	}
	checkUserFields(this, body, false);
	if (body.name === undefined || body.email === undefined) {
		const userId = await resolveUserId(this);
		const { user } = (await zohoApiRequest(this, 'GET', `/users/${userId}`)) as { user: IDataObject };
		body.name ??= user.name;
		body.email ??= currentEmail(user);
	}
	return { ...requestOptions, body };
}

export const updateOperation: INodePropertyOptions = {
	name: 'Update',
	value: 'update',
	action: 'Update a user',
	description: "Change a user's name, email or role",
	routing: {
		request: { method: 'PUT', url: `/users/${USER_ID_PLACEHOLDER}` },
		send: { preSend: [completeUpdateBody] },
		output: { postReceive: actionOutput },
	},
};

export const updateFields: INodeProperties[] = [
	userIdField(['update']),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { resource: ['user'], operation: ['update'] } },
		options: [
			{
				displayName: 'Email',
				name: 'email',
				type: 'string',
				default: '',
				placeholder: 'name@email.com',
				description: 'The new email address; left out, the current one is kept',
				routing: { send: { type: 'body', property: 'email' } },
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'The new full name; left out, the current one is kept',
				routing: { send: { type: 'body', property: 'name' } },
			},
			userRoleField,
		],
	},
];
