import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { ZohoOperation } from '../../shared/operation';
import { USERS_SCOPES } from '../../shared/zoho';
import { additionalFieldsWithRole } from './userRole';
import { validateNewUser } from './userValidation';

export const nameField: INodeProperties = {
	displayName: 'Name',
	name: 'name',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'Jane Doe',
	description: "The user's full name",
	routing: { send: { type: 'body', property: 'name' } },
};

export const emailField: INodeProperties = {
	displayName: 'Email',
	name: 'email',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'name@email.com',
	description:
		"The user's sign-in address, where Zoho sends the invitation; Create or Update finds the user by it",
	routing: { send: { type: 'body', property: 'email' } },
};

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
