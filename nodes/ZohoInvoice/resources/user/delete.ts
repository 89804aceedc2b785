import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { actionOutput } from '../../shared/output';
import { USER_ID_PLACEHOLDER, userIdField } from '../../shared/userLocator';

export const deleteOperation: INodePropertyOptions = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete a user',
	description: 'Remove a user from the organization',
	routing: {
		request: { method: 'DELETE', url: `/users/${USER_ID_PLACEHOLDER}` },
		output: { postReceive: actionOutput },
	},
};

export const deleteFields: INodeProperties[] = [userIdField(['delete'])];
