import type { IHttpRequestMethods } from 'n8n-workflow';

import type { ZohoOperation } from '../../shared/operation';
import { USER_ID_PLACEHOLDER, actedOnUser, userField } from './userLocator';

interface UserAction {
	name: string;
	value: string;
	action: string;
	description: string;
	method: IHttpRequestMethods;
	/** After `/users/{user_id}`, e.g. `/invite`. */
	pathAfterUser: string;
	/** The OAuth scope its request needs. */
	scope: string;
}

/** Delete, Invite, Mark Active and Mark Inactive: one request on one user, answered with a message. */
export function userAction({
	name,
	value,
	action,
	description,
	method,
	pathAfterUser,
	scope,
}: UserAction): ZohoOperation {
	return {
		option: {
			name,
			value,
			action,
			description,
			routing: { request: { method, url: `/users/${USER_ID_PLACEHOLDER}${pathAfterUser}` } },
		},
		fields: [userField],
		output: { message: actedOnUser },
		scopes: [scope],
	};
}
