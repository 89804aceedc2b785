import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { zohoListPage } from '../shared/transport';
import { userIdOf } from '../resources/user/userId';
import { MAX_PER_PAGE } from '../shared/zoho';

function label(user: IDataObject): string {
	const name = typeof user.name === 'string' ? user.name : String(user.user_id);
	return typeof user.email === 'string' ? `${name} (${user.email})` : name;
}

/** The User field's searchable list: one Zoho page per scroll, shown as "Name (email)". */
export async function searchUsers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Number(paginationToken) || 1;
	const { records, hasMore } = await zohoListPage(this, {
		path: '/users',
		key: 'users',
		noun: 'user',
		page,
		perPage: MAX_PER_PAGE,
	});
	const needle = filter?.trim().toLowerCase();
	// Only users the node can name exactly: picking one must give an id the User field takes.
	const results = records.flatMap((user) => {
		const value = userIdOf(user.user_id);
		const name = label(user);
		return value !== undefined && (!needle || name.toLowerCase().includes(needle))
			? [{ name, value }]
			: [];
	});
	return {
		results,
		paginationToken: hasMore ? String(page + 1) : undefined,
	};
}
