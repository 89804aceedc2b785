import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { actionOutput } from '../../shared/output';
import { USER_ID_PLACEHOLDER, userIdField } from '../../shared/userLocator';

export const inviteOperation: INodePropertyOptions = {
	name: 'Invite',
	value: 'invite',
	action: 'Invite a user',
	description: 'Send the user their invitation email again',
	routing: {
		request: { method: 'POST', url: `/users/${USER_ID_PLACEHOLDER}/invite` },
		output: { postReceive: actionOutput },
	},
};

export const inviteFields: INodeProperties[] = [userIdField(['invite'])];
