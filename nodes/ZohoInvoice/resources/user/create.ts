import type { IDataObject } from 'n8n-workflow';

import type { ZohoOperation } from '../../shared/operation';
import { USERS_SCOPES } from '../../shared/zoho';
import { emailField, nameField } from './newUserFields';
import { additionalFieldsWithRole } from './userRole';
import { validateNewUser } from './userValidation';

export const create: ZohoOperation = {
	option: {
		name: 'Create',
		value: 'create',
		action: 'Create a user',
		description: 'Add a user to the organization; Zoho emails them an invitation',
		routing: {
			request: { method: 'POST', url: '/users' },
			send: { preSend: [validateNewUser] },
		},
	},
	fields: [nameField, emailField, additionalFieldsWithRole],
	// Zoho's reference answers Create without the new user's id; it is passed on when Zoho sends one.
	output: {
		message: async (_context, answer) => ({
			user_id: (answer.user as IDataObject | undefined)?.user_id,
		}),
	},
	scopes: [USERS_SCOPES.create],
};
