import { LoadOptionsContext } from 'n8n-core';
import type { INodeListSearchResult } from 'n8n-workflow';

import type { Authentication, CredentialStore } from './credentials';
import { additionalData, nodeType, workflowWith } from './engine';

/** The User field's dropdown, as the editor asks n8n for it: a LoadOptionsContext on the node. */
export async function searchUsers(
	credentials: CredentialStore,
	authentication: Authentication,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { workflow, node } = workflowWith({ resource: 'user', operation: 'get' }, authentication);
	const context = new LoadOptionsContext(
		workflow,
		node,
		additionalData(credentials, workflow),
		'parameters.userId',
	);
	return await nodeType.methods.listSearch.searchUsers.call(context, filter, paginationToken);
}
