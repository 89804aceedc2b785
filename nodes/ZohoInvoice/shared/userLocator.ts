import { NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeParameterResourceLocator,
	INodeProperties,
} from 'n8n-workflow';

import { zohoApiRequest } from './transport';
import { isEmail } from './validation';
import { MAX_PER_PAGE } from './zoho';

/** Where an operation's path names the user: `/users/{user_id}/invite`, as in Zoho's reference. */
export const USER_ID_PLACEHOLDER = '{user_id}';

const USER_ID_PATTERN = /^\d+$/;

interface ListedUser {
	user_id: string;
	name?: string;
	email?: string;
}

interface UsersPage {
	users: ListedUser[];
	hasMore: boolean;
}

async function fetchUsersPage(context: IExecuteSingleFunctions | ILoadOptionsFunctions, page: number): Promise<UsersPage> {
	const body = await zohoApiRequest(context, 'GET', '/users', { page, per_page: MAX_PER_PAGE });
	const pageContext = body.page_context as { has_more_page?: boolean } | undefined;
	return {
		users: Array.isArray(body.users) ? (body.users as ListedUser[]) : [],
		hasMore: pageContext?.has_more_page === true,
	};
}

/** The user field's searchable list: one Zoho page per scroll, shown as "Name (email)". */
export async function searchUsers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Number(paginationToken) || 1;
	const { users, hasMore } = await fetchUsersPage(this, page);
	const needle = filter?.trim().toLowerCase();
	const matching = needle
		? users.filter((user) => `${user.name ?? ''} ${user.email ?? ''}`.toLowerCase().includes(needle))
		: users;
	return {
		results: matching.map((user) => ({
			name: user.email ? `${user.name ?? user.user_id} (${user.email})` : (user.name ?? user.user_id),
			value: user.user_id,
		})),
		paginationToken: hasMore ? String(page + 1) : undefined,
	};
}

async function findUserIdByEmail(context: IExecuteSingleFunctions, email: string): Promise<string> {
	const wanted = email.toLowerCase();
	const matches: ListedUser[] = [];
	for (let page = 1, hasMore = true; hasMore; page++) {
		const result = await fetchUsersPage(context, page);
		matches.push(...result.users.filter((user) => user.email?.toLowerCase() === wanted));
		hasMore = result.hasMore;
	}
	if (matches.length === 1) return matches[0].user_id;
	const itemIndex = context.getItemIndex();
	if (matches.length === 0) {
		throw new NodeOperationError(context.getNode(), `No user in this organization has the email address ${email}`, {
			itemIndex,
			description: 'Check the User field\'s email address, or pick the user From List.',
		});
	}
	throw new NodeOperationError(
		context.getNode(),
		`${matches.length} users in this organization have the email address ${email}`,
		{
			itemIndex,
			description: `Pick the user By ID instead: ${matches.map((user) => user.user_id).join(', ')}.`,
		},
	);
}

/**
 * One lookup per distinct email address per execution: items run concurrently
 * and often name the same person. Keyed by n8n's per-execution node context,
 * so the memory goes when the execution does.
 */
const emailLookups = new WeakMap<object, Map<string, Promise<string>>>();

function lookUpOnce(context: IExecuteSingleFunctions, email: string): Promise<string> {
	const executionScope = context.getContext('node');
	let lookups = emailLookups.get(executionScope);
	if (!lookups) {
		lookups = new Map();
		emailLookups.set(executionScope, lookups);
	}
	const key = email.toLowerCase();
	let lookup = lookups.get(key);
	if (!lookup) {
		lookup = findUserIdByEmail(context, email);
		// A failed lookup is not remembered: a retry should ask Zoho again.
		lookup.catch(() => lookups.delete(key));
		lookups.set(key, lookup);
	}
	return lookup;
}

/** The Zoho user id the `userId` field names, checked before anything is sent. */
export async function resolveUserId(context: IExecuteSingleFunctions): Promise<string> {
	const locator = context.getNodeParameter('userId') as INodeParameterResourceLocator;
	const value = String(locator?.value ?? '').trim();
	const itemIndex = context.getItemIndex();
	if (locator?.mode === 'email') {
		if (!isEmail(value)) {
			throw new NodeOperationError(context.getNode(), `User: "${value}" is not an email address`, {
				itemIndex,
				description: 'Give the email address of a user in this organization, like name@example.com.',
			});
		}
		return await lookUpOnce(context, value);
	}
	if (!USER_ID_PATTERN.test(value)) {
		throw new NodeOperationError(
			context.getNode(),
			value ? `User: "${value}" is not a Zoho user ID` : 'User: no user given',
			{
				itemIndex,
				description:
					'A Zoho user ID is made of digits only, like 982000000554041. Pick the user From List, or find them By Email.',
			},
		);
	}
	return value;
}

/** preSend: put the resolved user id into the operation's path. */
export async function insertUserId(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const userId = await resolveUserId(this);
	return { ...requestOptions, url: requestOptions.url.replace(USER_ID_PLACEHOLDER, userId) };
}

/** The user field, for every operation that acts on one user. */
export function userIdField(operations: string[]): INodeProperties {
	return {
		displayName: 'User',
		name: 'userId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The user to act on',
		displayOptions: { show: { resource: ['user'], operation: operations } },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a user…',
				typeOptions: { searchListMethod: 'searchUsers', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '982000000554041',
				validation: [
					{
						type: 'regex',
						properties: { regex: USER_ID_PATTERN.source, errorMessage: 'A Zoho user ID is made of digits only' },
					},
				],
			},
			{
				displayName: 'By Email',
				name: 'email',
				type: 'string',
				placeholder: 'name@example.com',
			},
		],
		routing: { send: { preSend: [insertUserId] } },
	};
}
