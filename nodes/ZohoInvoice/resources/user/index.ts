import type { INodeProperties } from 'n8n-workflow';

import { createFields, createOperation } from './create';
import { deleteFields, deleteOperation } from './delete';
import { getFields, getOperation } from './get';
import { getAllFields, getAllOperation } from './getAll';
import { getCurrentFields, getCurrentOperation } from './getCurrent';
import { inviteFields, inviteOperation } from './invite';
import { markActiveFields, markActiveOperation } from './markActive';
import { markInactiveFields, markInactiveOperation } from './markInactive';
import { updateFields, updateOperation } from './update';

export const userDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			createOperation,
			deleteOperation,
			getOperation,
			getCurrentOperation,
			getAllOperation,
			inviteOperation,
			markActiveOperation,
			markInactiveOperation,
			updateOperation,
		],
		default: 'getAll',
		// Sends every request through runRequest, the node's `requestOperations.pagination` (see shared/request.ts).
		routing: { send: { paginate: true } },
	},
	...createFields,
	...getAllFields,
	...getFields,
	...updateFields,
	...deleteFields,
	...getCurrentFields,
	...inviteFields,
	...markActiveFields,
	...markInactiveFields,
];
