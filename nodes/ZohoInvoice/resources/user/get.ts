import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { userOutput } from '../../shared/output';
import { USER_ID_PLACEHOLDER, userIdField } from '../../shared/userLocator';

export const getOperation: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	action: 'Get a user',
	description: "Retrieve a user's details",
	routing: {
		request: { method: 'GET', url: `/users/${USER_ID_PLACEHOLDER}` },
		output: { postReceive: userOutput },
	},
};

export const getFields: INodeProperties[] = [userIdField(['get'])];
