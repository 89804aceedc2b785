import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteSingleFunctions } from 'n8n-workflow';

import { preview } from '../../shared/errors';
import { shareWithinRun } from '../../shared/runScope';
import { listAllRecords } from '../../shared/transport';
import { userIdOf } from './userId';
import type { ZohoContext } from '../../shared/connection';

/** A user as Zoho lists them, its id checked: nothing acts on a user without one. */
export type ListedUser = IDataObject & {
	user_id: string;
	email?: string;
	name?: string;
	user_role?: string;
	status?: string;
};

/** Every user of the organization, all statuses: ⌈users ÷ 200⌉ requests, each told to `onPage`. */
export async function listAllUsers(
	context: ZohoContext,
	onPage?: () => void,
): Promise<ListedUser[]> {
	const records = await listAllRecords(
		context,
		{ path: '/users', key: 'users', noun: 'user', qs: { filter_by: 'Status.All' } },
		onPage,
	);
	// A list that shifts while it is paged can show a user on two pages: one user is one entry.
	const users = new Map<string, ListedUser>();
	for (const record of records) {
		const userId = userIdOf(record.user_id);
		if (userId === undefined) {
			throw new NodeOperationError(
				context.getNode(),
				'Zoho listed a user without a usable user_id',
				{
					itemIndex: 'getItemIndex' in context ? context.getItemIndex() : undefined,
					description: `The entry: ${preview(record)}. The node acts on no user it cannot name exactly.`,
				},
			);
		}
		if (users.has(userId)) continue;
		users.set(userId, {
			...record,
			user_id: userId,
			email: typeof record.email === 'string' ? record.email : undefined,
			name: typeof record.name === 'string' ? record.name : undefined,
		});
	}
	return [...users.values()];
}

/** The organization's users as one run of the node found them, by email address. */
class UserDirectory {
	private readonly byEmail = new Map<string, ListedUser[]>();

	constructor(readonly users: ListedUser[]) {
		for (const user of users) {
			// A deleted user keeps their address in the list but is nobody to act on.
			if (!user.email || user.status === 'deleted') continue;
			const key = user.email.toLowerCase();
			this.byEmail.set(key, [...(this.byEmail.get(key) ?? []), user]);
		}
	}

	/** Everyone with this address, compared as Zoho does: whole address, any case. */
	withEmail(email: string): ListedUser[] {
		return this.byEmail.get(email.toLowerCase()) ?? [];
	}
}

/**
 * The organization's users, listed once per run of the node: the first item
 * that needs a user by email lists them, the others of the run wait for that
 * listing and use it. The next run (the next execution, or the next pass of a
 * loop) lists again, so an address is never resolved from a stale list.
 */
export async function userDirectory(context: IExecuteSingleFunctions): Promise<UserDirectory> {
	return await shareWithinRun(
		context,
		'userDirectory',
		async () => new UserDirectory(await listAllUsers(context)),
	);
}
