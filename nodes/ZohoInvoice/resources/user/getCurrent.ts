import type { ZohoOperation } from '../../shared/descriptions';

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
};
