import type { INodeProperties } from 'n8n-workflow';

/**
 * A person's name and email, as Create, Create or Update and Sync take them:
 * one parameter each, shared by the three operations (n8n evaluates every
 * parameter of a node for every item, so shared fields make every run cheaper).
 */

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
		"The user's sign-in address, where Zoho sends the invitation; Create or Update and Sync find the user by it",
	routing: { send: { type: 'body', property: 'email' } },
};
