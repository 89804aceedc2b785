import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { ZohoOperation } from '../../shared/operation';
import { zohoRecord } from '../../shared/transport';
import { USERS_SCOPES } from '../../shared/zoho';
import { USER_ID_PLACEHOLDER, actedOnUser, resolveUser, userField } from './userLocator';
import { userRoleField } from './userRole';
import { checkUserFields } from './userValidation';

/** Get returns addresses as `email_ids`; the selected one is the user's sign-in address. */
function currentEmail(user: IDataObject): unknown {
	const emails = Array.isArray(user.email_ids)
		? (user.email_ids as Array<{ email?: unknown; is_selected?: unknown }>)
		: [];
	return (emails.find((entry) => entry?.is_selected === true) ?? emails[0])?.email ?? user.email;
}

/** The user's current name and email: from the run's directory when they were named By Email, else one GET. */
async function currentNameAndEmail(
	context: IExecuteSingleFunctions,
): Promise<{ name: unknown; email: unknown }> {
	const { userId, listed } = await resolveUser(context);
	if (listed) return { name: listed.name, email: listed.email };
	const user = await zohoRecord(context, {
		method: 'GET',
		path: `/users/${userId}`,
		noun: 'user',
		key: 'user',
	});
	return { name: user.name, email: currentEmail(user) };
}

/**
 * preSend: Zoho requires name and email on every update, so what the user
 * leaves out comes from the user's current record, only when needed: "change
 * only the role" just works.
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
		const current = await currentNameAndEmail(this);
		body.name ??= current.name as string;
		body.email ??= current.email as string;
		checkUserFields(this, body, true);
	}
	return { ...requestOptions, body };
}

export const update: ZohoOperation = {
	option: {
		name: 'Update',
		value: 'update',
		action: 'Update a user',
		description: "Change a user's name, email or role",
		routing: {
			request: { method: 'PUT', url: `/users/${USER_ID_PLACEHOLDER}` },
			send: { preSend: [completeUpdateBody] },
		},
	},
	fields: [
		userField,
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
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
	],
	output: { message: actedOnUser },
	scopes: [USERS_SCOPES.update],
};
