import type { ApiAnswer, UserStore } from './users';

/** Zoho's scopes for Users: CREATE covers create, invite and (de)activate (the reference). */
export type Access = 'create' | 'read' | 'update' | 'delete';

export interface ApiCall {
	query: Record<string, string>;
	json: unknown;
	contentType: string;
	/** `{user_id}` from the path. */
	userId: string;
}

interface Route {
	method: string;
	path: string;
	access: Access;
	handle: (users: UserStore, call: ApiCall) => ApiAnswer;
}

/** The Users API, one line per endpoint of Zoho's reference (the README's operations table). */
export const ROUTES: Route[] = [
	{
		method: 'POST',
		path: '/users',
		access: 'create',
		handle: (users, call) => users.create(call.json, call.contentType),
	},
	{
		method: 'GET',
		path: '/users',
		access: 'read',
		handle: (users, call) => users.list(call.query),
	},
	{ method: 'GET', path: '/users/me', access: 'read', handle: (users) => users.me() },
	{
		method: 'GET',
		path: '/users/{user_id}',
		access: 'read',
		handle: (users, call) => users.get(call.userId),
	},
	{
		method: 'PUT',
		path: '/users/{user_id}',
		access: 'update',
		handle: (users, call) => users.update(call.userId, call.json, call.contentType),
	},
	{
		method: 'DELETE',
		path: '/users/{user_id}',
		access: 'delete',
		handle: (users, call) => users.remove(call.userId),
	},
	{
		method: 'POST',
		path: '/users/{user_id}/invite',
		access: 'create',
		handle: (users, call) => users.invite(call.userId),
	},
	{
		method: 'POST',
		path: '/users/{user_id}/active',
		access: 'create',
		handle: (users, call) => users.markActive(call.userId, true),
	},
	{
		method: 'POST',
		path: '/users/{user_id}/inactive',
		access: 'create',
		handle: (users, call) => users.markActive(call.userId, false),
	},
];

function pattern(path: string): RegExp {
	return new RegExp(`^${path.replace('{user_id}', '(?<userId>\\d+)')}/?$`);
}

/** The route for a method and path; `methodNotAllowed` when only the method is wrong; undefined when Zoho has no such URL. */
export function findRoute(
	method: string,
	path: string,
): { route: Route; userId: string } | 'methodNotAllowed' | undefined {
	const matching = ROUTES.map((route) => ({ route, match: pattern(route.path).exec(path) })).filter(
		({ match }) => match,
	);
	const found = matching.find(({ route }) => route.method === method);
	if (found) return { route: found.route, userId: found.match?.groups?.userId ?? '' };
	return matching.length ? 'methodNotAllowed' : undefined;
}
