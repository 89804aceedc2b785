import type { ZohoOperation } from '../../shared/operation';
import { USERS_SCOPES } from '../../shared/zoho';

export const getCurrent: ZohoOperation = {
	option: {
		name: 'Get Current User',
		value: 'getCurrent',
		action: 'Get the current user',
		description: 'Retrieve the user the credential acts as',
		routing: { request: { method: 'GET', url: '/users/me' } },
	},
	fields: [],
	output: { record: 'user' },
	scopes: [USERS_SCOPES.read],
};
