import type { IDataObject } from 'n8n-workflow';

import { addressKey } from './userDirectory';
import type { ListedUser, UserDirectory } from './userDirectory';
import { sameRole } from './userRole';

/** One person of the list, as an input item gave them: the address trimmed, the role if given. */
export interface SyncPerson {
	itemIndex: number;
	email: string;
	name: string;
	role?: string;
}

/** Names that read the same: é as one character or as e and a combining accent is one name. */
function sameName(listed: string | undefined, wanted: string): boolean {
	if (listed === undefined) return false;
	return listed === wanted || listed.normalize('NFC') === wanted.normalize('NFC');
}

export type RemoveMissing = 'deactivate' | 'delete' | 'keep';

type Changes = Record<string, { from: IDataObject[string]; to: IDataObject[string] }>;

/** What Sync does for one person of the list. */
export type PersonStep =
	| { action: 'created' }
	| { action: 'unchanged'; user: ListedUser }
	| {
			action: 'updated' | 'reactivated';
			user: ListedUser;
			changes: Changes;
			/** Zoho requires name and email on every update; sent when the name or role differs. */
			update?: IDataObject;
			activate: boolean;
	  }
	/** More than one Zoho user has the address: nobody to act on. */
	| { action: 'refused'; message: string; description: string };

/** What Sync does for a user of the organization that no person of the list names. */
export interface RemovalStep {
	user: ListedUser;
	action: 'deactivated' | 'deleted' | 'kept';
	reason?: string;
}

export interface SyncPlan {
	persons: Map<number, PersonStep>;
	/** Active and invited users whose address is in no item: removed, or kept with the reason. */
	removals: RemovalStep[];
}

function stepFor(person: SyncPerson, matches: ListedUser[]): PersonStep {
	if (matches.length === 0) return { action: 'created' };
	if (matches.length > 1) {
		return {
			action: 'refused',
			message: `${matches.length} users in this organization have the email address ${person.email}`,
			description: `Nothing was changed for this person, and nobody is removed in this run. Resolve the duplicates in Zoho Invoice: ${matches.map((user) => user.user_id).join(', ')}.`,
		};
	}
	const [user] = matches;
	const changes: Changes = {};
	if (!sameName(user.name, person.name))
		changes.name = { from: user.name ?? null, to: person.name };
	if (person.role !== undefined && !sameRole(user.user_role, person.role)) {
		changes.user_role = { from: user.user_role ?? null, to: person.role };
	}
	const activate = user.status === 'inactive';
	if (activate) changes.status = { from: 'inactive', to: 'active' };
	if (Object.keys(changes).length === 0) return { action: 'unchanged', user };
	const update =
		changes.name || changes.user_role
			? {
					name: person.name,
					// The address stays as Zoho has it: the list matched it in any case.
					email: user.email ?? person.email,
					...(person.role !== undefined && { user_role: person.role }),
				}
			: undefined;
	return { action: activate ? 'reactivated' : 'updated', user, changes, update, activate };
}

function keptBecause(
	user: ListedUser,
	keepEmails: Set<string>,
	removeMissing: RemoveMissing,
): string | undefined {
	if (user.is_current_user === true) return 'The user the credential acts as is never removed';
	if (!user.email)
		return 'Zoho lists no email address for this user: Sync removes nobody it cannot match';
	if (keepEmails.has(addressKey(user.email))) return 'Listed in Keep Emails';
	if (removeMissing === 'keep') return 'Remove Missing is Leave Alone';
	return undefined;
}

/**
 * The whole plan of one sync, from the list of persons and the organization's
 * users (one complete listing, all statuses, by address): per person create, update,
 * reactivate or nothing; per active or invited user no person names, remove
 * or keep. Deleted users count for nobody; inactive users not in the list
 * are already without access.
 */
export function planSync(
	persons: SyncPerson[],
	directory: UserDirectory,
	options: { removeMissing: RemoveMissing; keepEmails: Set<string> },
): SyncPlan {
	const named = new Set(persons.map((person) => addressKey(person.email)));
	const planned = new Map<number, PersonStep>();
	for (const person of persons) {
		planned.set(person.itemIndex, stepFor(person, directory.withEmail(person.email)));
	}
	const removals: RemovalStep[] = [];
	for (const user of directory.users) {
		if (user.status !== 'active' && user.status !== 'invited') continue;
		if (user.email && named.has(addressKey(user.email))) continue;
		const reason = keptBecause(user, options.keepEmails, options.removeMissing);
		if (reason) removals.push({ user, action: 'kept', reason });
		else
			removals.push({
				user,
				action: options.removeMissing === 'delete' ? 'deleted' : 'deactivated',
			});
	}
	return { persons: planned, removals };
}
