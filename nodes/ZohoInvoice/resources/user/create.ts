import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { createOutput } from '../../shared/output';
import { userRoleField } from '../../shared/userRole';
import { validateNewUser } from '../../shared/validation';

export const createOperation: INodePropertyOptions = {
	name: 'Create',
	value: 'create',
	action: 'Create a user',
	description: 'Add a user to the organization; Zoho emails them an invitation',
	routing: {
		request: { method: 'POST', url: '/users' },
		send: { preSend: [validateNewUser] },
		output: { postReceive: createOutput },
	},
};

const displayOptions = { show: { resource: ['user'], operation: ['create'] } };

export const createFields: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Jane Doe',
		description: "The user's full name",
		displayOptions,
		routing: { send: { type: 'body', property: 'name' } },
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'name@email.com',
		description: 'Where Zoho sends the invitation; the user signs in with it',
		displayOptions,
		routing: { send: { type: 'body', property: 'email' } },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions,
		options: [userRoleField],
	},
];
