import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	INodeExecutionData,
	INodeProperties,
	IPollFunctions,
} from 'n8n-workflow';

import { listAllUsers } from '../resources/user/userDirectory';
import type { ListedUser } from '../resources/user/userDirectory';
import { decodeSnapshot, encodeSnapshot, rememberedOf } from './snapshot';
import type { RememberedUser } from './snapshot';

export const USER_EVENTS = [
	{ name: 'User Activated', value: 'userActivated', description: "A user's status became active" },
	{
		name: 'User Added',
		value: 'userAdded',
		description: 'A new user appeared, whatever their status',
	},
	{
		name: 'User Deactivated',
		value: 'userDeactivated',
		description: "A user's status became inactive",
	},
	{
		name: 'User Deleted',
		value: 'userDeleted',
		description: 'A user left the list, or their status became deleted',
	},
	{
		name: 'User Details Changed',
		value: 'userDetailsChanged',
		description: "A user's name or email changed",
	},
	{ name: 'User Role Changed', value: 'userRoleChanged', description: "A user's role changed" },
] as const;

export type UserEvent = (typeof USER_EVENTS)[number]['value'];

export const eventsProperty: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	required: true,
	options: [...USER_EVENTS],
	default: [],
	description: "Which changes to the organization's users start the workflow: one item per change",
};

interface Change {
	event: UserEvent;
	user: IDataObject;
	previous?: IDataObject;
}

/** Every change from the remembered users to the listed ones. */
export function changesBetween(
	remembered: Map<string, RememberedUser>,
	listed: ListedUser[],
): Change[] {
	const changes: Change[] = [];
	const seen = new Set<string>();
	for (const user of listed) {
		seen.add(user.user_id);
		const before = remembered.get(user.user_id);
		const now = rememberedOf(user);
		if (!before) {
			changes.push({ event: 'userAdded', user });
			continue;
		}
		if (now.status !== before.status) {
			const event = {
				active: 'userActivated',
				inactive: 'userDeactivated',
				deleted: 'userDeleted',
			}[now.status];
			if (event)
				changes.push({ event: event as UserEvent, user, previous: { status: before.status } });
		}
		if (now.user_role !== before.user_role) {
			changes.push({ event: 'userRoleChanged', user, previous: { user_role: before.user_role } });
		}
		const previous: IDataObject = {};
		if (now.name !== before.name) previous.name = before.name;
		if (now.email !== before.email) previous.email = before.email;
		if (Object.keys(previous).length) changes.push({ event: 'userDetailsChanged', user, previous });
	}
	for (const [userId, before] of remembered) {
		// Gone from a complete listing: deleted (a failed listing never gets this far).
		if (!seen.has(userId) && before.status !== 'deleted') {
			changes.push({
				event: 'userDeleted',
				user: { ...before },
				previous: { status: before.status },
			});
		}
	}
	return changes;
}

function selectedEvents(context: IPollFunctions): Set<UserEvent> {
	const events = context.getNodeParameter('events', []) as unknown;
	const known = new Set<string>(USER_EVENTS.map((event) => event.value));
	if (
		!Array.isArray(events) ||
		events.length === 0 ||
		!events.every((event) => known.has(event as string))
	) {
		throw new NodeOperationError(context.getNode(), 'Events: pick at least one event', {
			description: `Expected one or more of ${[...known].join(', ')}.`,
		});
	}
	return new Set(events as UserEvent[]);
}

/** "Fetch Test Event": one item per chosen event, built from the current list, the snapshot left alone. */
function samples(listed: ListedUser[], events: Set<UserEvent>): Change[] {
	const [user] = listed;
	if (!user) return [];
	const previous: Partial<Record<UserEvent, IDataObject>> = {
		userActivated: { status: 'inactive' },
		userDeactivated: { status: 'active' },
		userDeleted: { status: user.status },
		userRoleChanged: { user_role: user.user_role === 'admin' ? 'staff' : 'admin' },
		userDetailsChanged: { name: `${user.name ?? ''} (before)` },
	};
	return [...events].map((event) => ({ event, user, previous: previous[event] }));
}

/**
 * Zoho Invoice has no webhooks for users, so each poll lists every user
 * once, all statuses (⌈users ÷ 200⌉ requests), and compares the list with a
 * compact snapshot in the workflow's static data. The first poll takes the
 * baseline. A listing that fails throws before the snapshot is touched, so
 * a fault never invents events.
 */
export async function pollUserEvents(
	context: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const events = selectedEvents(context);
	const listed = await listAllUsers(context);
	if (context.getMode() === 'manual') {
		const found = samples(listed, events);
		return found.length
			? [context.helpers.returnJsonArray(found as unknown as IDataObject[])]
			: null;
	}
	const staticData = context.getWorkflowStaticData('node');
	const remembered = decodeSnapshot(staticData.users);
	staticData.users = encodeSnapshot(listed.map(rememberedOf)) as unknown as IDataObject;
	if (!remembered) return null;
	const found = changesBetween(remembered, listed).filter((change) => events.has(change.event));
	return found.length ? [context.helpers.returnJsonArray(found as unknown as IDataObject[])] : null;
}
