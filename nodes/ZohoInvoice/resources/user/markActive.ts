import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { actionOutput } from '../../shared/output';
import { USER_ID_PLACEHOLDER, userIdField } from '../../shared/userLocator';

export const markActiveOperation: INodePropertyOptions = {
	name: 'Mark Active',
	value: 'markActive',
	action: 'Mark a user as active',
	description: 'Let an inactive user sign in again',
	routing: {
		request: { method: 'POST', url: `/users/${USER_ID_PLACEHOLDER}/active` },
		output: { postReceive: actionOutput },
	},
};

export const markActiveFields: INodeProperties[] = [userIdField(['markActive'])];
