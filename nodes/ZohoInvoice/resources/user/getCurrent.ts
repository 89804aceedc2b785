import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { userOutput } from '../../shared/output';

export const getCurrentOperation: INodePropertyOptions = {
	name: 'Get Current User',
	value: 'getCurrent',
	action: 'Get the current user',
	description: 'Retrieve the user the credential acts as',
	routing: {
		request: { method: 'GET', url: '/users/me' },
		output: { postReceive: userOutput },
	},
};

export const getCurrentFields: INodeProperties[] = [];
