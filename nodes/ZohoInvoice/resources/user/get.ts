import type { ZohoOperation } from '../../shared/operation';
import { USERS_SCOPES } from '../../shared/zoho';
import { USER_ID_PLACEHOLDER, userField } from './userLocator';

export const get: ZohoOperation = {
	option: {
		name: 'Get',
		value: 'get',
		action: 'Get a user',
		description: "Retrieve a user's details",
		routing: { request: { method: 'GET', url: `/users/${USER_ID_PLACEHOLDER}` } },
	},
	fields: [userField],
	output: { record: 'user' },
	scopes: [USERS_SCOPES.read],
};
