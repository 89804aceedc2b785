import type { IDataObject } from 'n8n-workflow';

/** What the trigger remembers of a user between polls: what its events compare, nothing more. */
export interface RememberedUser {
	user_id: string;
	name: string;
	email: string;
	user_role: string;
	status: string;
}

/**
 * The snapshot as kept in the workflow's static data, which n8n saves with
 * the workflow: columns instead of one object per user, ids as gaps between
 * sorted ids (Zoho's ids are long and close together), statuses and roles as
 * indexes into their few distinct values. 10,000 users fit in about 400 KB.
 */
interface StoredSnapshot {
	version: 2;
	/**
	 * Whose users these are (API base URL and organization id): after the
	 * credential is pointed at another organization or region, the old users
	 * are not "deleted" nor the new ones "added".
	 */
	organization: string;
	/** Ascending user ids, each as its gap from the previous one, in base 36. */
	ids: string;
	statuses: string[];
	roles: string[];
	/** Per user: status index × number of roles + role index. */
	states: number[];
	names: string[];
	emails: string[];
}

function indexer(values: string[]) {
	const positions = new Map(values.map((value, index) => [value, index]));
	return (value: string) => {
		if (!positions.has(value)) {
			positions.set(value, values.length);
			values.push(value);
		}
		return positions.get(value)!;
	};
}

export function encodeSnapshot(users: RememberedUser[], organization: string): StoredSnapshot {
	const sorted = [...users].sort((a, b) => (BigInt(a.user_id) < BigInt(b.user_id) ? -1 : 1));
	const statuses: string[] = [];
	const roles: string[] = [];
	const statusIndex = indexer(statuses);
	const roleIndex = indexer(roles);
	// Roles are indexed first so the state arithmetic below knows their number.
	const roleIndexes = sorted.map((user) => roleIndex(user.user_role));
	let previous = 0n;
	const gaps = sorted.map((user) => {
		const id = BigInt(user.user_id);
		const gap = (id - previous).toString(36);
		previous = id;
		return gap;
	});
	return {
		version: 2,
		organization,
		ids: gaps.join(','),
		statuses,
		roles,
		states: sorted.map(
			(user, index) => statusIndex(user.status) * roles.length + roleIndexes[index],
		),
		names: sorted.map((user) => user.name),
		emails: sorted.map((user) => user.email),
	};
}

function fromBase36(text: string): bigint {
	return [...text].reduce((value, digit) => value * 36n + BigInt(parseInt(digit, 36)), 0n);
}

const GAPS = /^([0-9a-z]+(,[0-9a-z]+)*)?$/;

function texts(value: unknown, length?: number): value is string[] {
	return (
		Array.isArray(value) &&
		(length === undefined || value.length === length) &&
		value.every((entry) => typeof entry === 'string')
	);
}

/**
 * The remembered users of this organization by id, or undefined when nothing
 * usable is stored for it: the poll then takes a new baseline. Static data
 * can be old, edited, cut short or another organization's; anything that
 * does not hold together is not trusted, so it can neither break every later
 * poll nor invent events.
 */
export function decodeSnapshot(
	stored: unknown,
	organization: string,
): Map<string, RememberedUser> | undefined {
	const snapshot = stored as Partial<StoredSnapshot> | undefined;
	if (
		snapshot?.version !== 2 ||
		snapshot.organization !== organization ||
		typeof snapshot.ids !== 'string' ||
		!GAPS.test(snapshot.ids)
	)
		return undefined;
	const gaps = snapshot.ids === '' ? [] : snapshot.ids.split(',');
	const { statuses, roles, states, names, emails } = snapshot;
	if (
		!texts(statuses) ||
		!texts(roles) ||
		!texts(names, gaps.length) ||
		!texts(emails, gaps.length)
	)
		return undefined;
	const roleCount = Math.max(roles.length, 1);
	const stateCount = statuses.length * roleCount;
	if (!Array.isArray(states) || states.length !== gaps.length) return undefined;
	if (!states.every((state) => Number.isSafeInteger(state) && state >= 0 && state < stateCount))
		return undefined;

	const users = new Map<string, RememberedUser>();
	let id = 0n;
	gaps.forEach((gap, index) => {
		id += fromBase36(gap);
		users.set(String(id), {
			user_id: String(id),
			name: names[index],
			email: emails[index],
			user_role: roles[states[index] % roleCount] ?? '',
			status: statuses[Math.floor(states[index] / roleCount)],
		});
	});
	return users;
}

/** The part of a listed user the snapshot keeps. */
export function rememberedOf(user: IDataObject & { user_id: string }): RememberedUser {
	const text = (value: unknown) => (typeof value === 'string' ? value : '');
	return {
		user_id: user.user_id,
		name: text(user.name),
		email: text(user.email),
		user_role: text(user.user_role),
		status: text(user.status),
	};
}
