import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { zohoListPage } from '../shared/transport';
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
	const users = records.filter(
		(user) => typeof user.user_id === 'string' && /^\d+$/.test(user.user_id),
	);
	const matching = needle
		? users.filter((user) => label(user).toLowerCase().includes(needle))
		: users;
	return {
		results: matching.map((user) => ({ name: label(user), value: user.user_id as string })),
		paginationToken: hasMore ? String(page + 1) : undefined,
	};
}
