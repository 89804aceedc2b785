import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { actionOutput } from '../../shared/output';
import { USER_ID_PLACEHOLDER, userIdField } from '../../shared/userLocator';

export const markInactiveOperation: INodePropertyOptions = {
	name: 'Mark Inactive',
	value: 'markInactive',
	action: 'Mark a user as inactive',
	description: 'Stop a user from signing in, keeping their records',
	routing: {
		request: { method: 'POST', url: `/users/${USER_ID_PLACEHOLDER}/inactive` },
		output: { postReceive: actionOutput },
	},
};

export const markInactiveFields: INodeProperties[] = [userIdField(['markInactive'])];
