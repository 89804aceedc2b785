import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	INodeExecutionData,
	INodeProperties,
	IPollFunctions,
} from 'n8n-workflow';

import { listAllUsers } from '../resources/user/userDirectory';
import type { ListedUser } from '../resources/user/userDirectory';
import { zohoConnection } from '../shared/connection';
import { zohoListPage, zohoRecordIfExists } from '../shared/transport';
import { preview } from '../shared/errors';
import { decodeSnapshot, encodeSnapshot, rememberedOf } from './snapshot';
import type { RememberedUser } from './snapshot';

const USER_EVENTS = [
	{ name: 'User Activated', value: 'userActivated', description: "A user's status became active" },
	{
		name: 'User Added',
		value: 'userAdded',
		description: 'A new user appeared, whatever their status (but deleted)',
	},
	{
		name: 'User Deactivated',
		value: 'userDeactivated',
		description: "A user's status became inactive",
	},
	{
		name: 'User Deleted',
		value: 'userDeleted',
		description: 'Zoho confirmed that a user was deleted',
	},
	{
		name: 'User Details Changed',
		value: 'userDetailsChanged',
		description: "A user's name or email changed",
	},
	{ name: 'User Role Changed', value: 'userRoleChanged', description: "A user's role changed" },
] as const;

type UserEvent = (typeof USER_EVENTS)[number]['value'];

export const eventsProperty: INodeProperties = {
	displayName: 'Events',
	name: 'events',
	type: 'multiOptions',
	required: true,
	options: [...USER_EVENTS],
	default: [],
	description: "Which changes to the organization's users start the workflow: one item per change",
};

/** One event item. `sample` is true only for Fetch Test Event's made-up events. */
interface Change {
	event: UserEvent;
	sample: boolean;
	user: IDataObject;
	previous?: IDataObject;
}

/** A remembered user the listing no longer shows, or shows as deleted: gone only if Zoho confirms it. */
interface Departure {
	before: RememberedUser;
	listed?: ListedUser;
}

const STATUS_EVENTS: Partial<Record<string, UserEvent>> = {
	active: 'userActivated',
	inactive: 'userDeactivated',
};

/**
 * What changed from the remembered users to the listed ones, and who may
 * have left. A listing is never proof of a departure: Zoho pages a list
 * sorted anew for every request, so a user renamed or removed between two
 * page requests can push another user out of sight for one listing.
 */
export function changesBetween(
	remembered: Map<string, RememberedUser>,
	listed: ListedUser[],
): { changes: Change[]; departures: Departure[] } {
	const changes: Change[] = [];
	const departures: Departure[] = [];
	const change = (event: UserEvent, user: IDataObject, previous?: IDataObject) =>
		changes.push({ event, sample: false, user, ...(previous && { previous }) });
	const seen = new Set<string>();
	for (const user of listed) {
		seen.add(user.user_id);
		const before = remembered.get(user.user_id);
		const now = rememberedOf(user);
		if (!before) {
			// Added and deleted between two polls: nobody to grant anything to.
			if (now.status !== 'deleted') change('userAdded', user);
			continue;
		}
		if (now.status === 'deleted') {
			if (before.status !== 'deleted') departures.push({ before, listed: user });
			continue;
		}
		if (now.status !== before.status) {
			const event = STATUS_EVENTS[now.status];
			if (event) change(event, user, { status: before.status });
		}
		if (now.user_role !== before.user_role) {
			change('userRoleChanged', user, { user_role: before.user_role });
		}
		const previous: IDataObject = {};
		if (now.name !== before.name) previous.name = before.name;
		if (now.email !== before.email) previous.email = before.email;
		if (Object.keys(previous).length) change('userDetailsChanged', user, previous);
	}
	for (const [userId, before] of remembered) {
		if (!seen.has(userId) && before.status !== 'deleted') departures.push({ before });
	}
	return { changes, departures };
}

/**
 * How many departures one poll asks Zoho about (a minute of Zoho's calls):
 * a listing that lies about being complete must not spend the day's quota.
 * The others stay in the snapshot, unreported, for the next polls.
 */
export const CONFIRMATIONS_PER_POLL = 100;

/** Zoho's own word on a user: gone when it has no such user, or has them as deleted. */
async function isGone(context: IPollFunctions, userId: string): Promise<boolean> {
	const user = await zohoRecordIfExists(context, {
		method: 'GET',
		path: `/users/${userId}`,
		noun: 'user',
		key: 'user',
	});
	if (user === undefined) return true;
	if (String(user.user_id) !== userId) {
		// A cache or proxy answering for another user proves nothing about this one.
		throw new NodeOperationError(
			context.getNode(),
			`Zoho answered the question about user ${userId} with user ${preview(user.user_id, 40)}`,
			{
				description:
					'The poll stopped without reporting anything. Something between n8n and Zoho (a proxy, a cache, or a wrong custom API URL) may be answering for Zoho.',
			},
		);
	}
	return user.status === 'deleted';
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

/**
 * Fetch Test Event's user: made up, so that a workflow under test acts on
 * nobody. No Zoho user has id 0, and the node's User field refuses it.
 */
const SAMPLE_USER = {
	user_id: '0',
	role_id: '0',
	name: 'Sample User (not a real user)',
	email: 'sample.user@example.com',
	user_role: 'staff',
	status: 'active',
	is_current_user: false,
	photo_url: '',
	is_customer_segmented: false,
	is_vendor_segmented: false,
	user_type: 'zoho',
};

const SAMPLES: Record<UserEvent, { user: IDataObject; previous?: IDataObject }> = {
	userAdded: { user: { status: 'invited' } },
	userActivated: { user: { status: 'active' }, previous: { status: 'inactive' } },
	userDeactivated: { user: { status: 'inactive' }, previous: { status: 'active' } },
	userRoleChanged: { user: { user_role: 'admin' }, previous: { user_role: 'staff' } },
	userDetailsChanged: {
		user: {},
		previous: { name: 'Sample User (old name)', email: 'old.sample.user@example.com' },
	},
	userDeleted: { user: { status: 'deleted' }, previous: { status: 'active' } },
};

function samples(events: Set<UserEvent>): Change[] {
	return [...events].map((event) => ({
		event,
		sample: true,
		user: { ...SAMPLE_USER, ...SAMPLES[event].user },
		...(SAMPLES[event].previous && { previous: SAMPLES[event].previous }),
	}));
}

/**
 * The users a new baseline starts from. A listing of several pages can miss
 * a user while the list shifts, and a user missing from the baseline would
 * later be reported as added: two listings are joined (one page, the common
 * case, cannot shift). Pages are counted, not users: Zoho's page_context may
 * say a page holds fewer than the 200 asked for.
 */
async function baselineUsers(
	context: IPollFunctions,
	listed: ListedUser[],
	pages: number,
): Promise<ListedUser[]> {
	if (pages <= 1) return listed;
	const users = new Map(listed.map((user) => [user.user_id, user]));
	for (const user of await listAllUsers(context))
		if (!users.has(user.user_id)) users.set(user.user_id, user);
	return [...users.values()];
}

function emit(context: IPollFunctions, changes: Change[]): INodeExecutionData[][] | null {
	return changes.length
		? [context.helpers.returnJsonArray(changes as unknown as IDataObject[])]
		: null;
}

/**
 * The polls in progress, by the static data they compare with. n8n 1.x
 * starts a poll on schedule even while the last one still runs (a large
 * organization, within Zoho's 100 calls a minute, can outlast a one-minute
 * interval): both would read the same snapshot and report the same changes.
 */
const pollsInProgress = new WeakSet<object>();

/**
 * Zoho Invoice has no webhooks for users, so each poll lists every user
 * once, all statuses (⌈users ÷ 200⌉ requests), and compares the list with a
 * compact snapshot in the workflow's static data. A user who seems to have
 * left is reported only once Zoho confirms it (one request each); until
 * then they stay in the snapshot. Any failure throws before the snapshot is
 * touched, so a fault never invents events.
 */
export async function pollUserEvents(
	context: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const events = selectedEvents(context);
	if (context.getMode() === 'manual') {
		// One small request, so that a broken credential shows its error in the editor.
		await zohoListPage(context, {
			path: '/users',
			key: 'users',
			noun: 'user',
			qs: { filter_by: 'Status.All' },
			page: 1,
			perPage: 1,
		});
		return emit(context, samples(events));
	}
	const staticData = context.getWorkflowStaticData('node');
	// The poll still running reports this one's changes: this one sends nothing.
	if (pollsInProgress.has(staticData)) return null;
	pollsInProgress.add(staticData);
	try {
		return await pollAgainst(context, staticData, events);
	} finally {
		pollsInProgress.delete(staticData);
	}
}

async function pollAgainst(
	context: IPollFunctions,
	staticData: IDataObject,
	events: Set<UserEvent>,
): Promise<INodeExecutionData[][] | null> {
	const { organizationKey } = await zohoConnection(context);
	const remembered = decodeSnapshot(staticData.users, organizationKey);
	let pages = 0;
	const listed = await listAllUsers(context, () => pages++);
	if (!remembered) {
		const baseline = await baselineUsers(context, listed, pages);
		staticData.users = encodeSnapshot(baseline.map(rememberedOf), organizationKey) as never;
		return null;
	}

	const { changes, departures } = changesBetween(remembered, listed);
	const asked = departures.slice(0, CONFIRMATIONS_PER_POLL);
	const gone = await Promise.all(asked.map(({ before }) => isGone(context, before.user_id)));
	const stillThere = new Map<string, RememberedUser>();
	departures.forEach(({ before, listed: user }, index) => {
		if (gone[index]) {
			changes.push({
				event: 'userDeleted',
				sample: false,
				user: user ?? { ...before, status: 'deleted' },
				previous: { status: before.status },
			});
		} else {
			stillThere.set(before.user_id, before);
		}
	});
	const next = listed
		.filter((user) => !stillThere.has(user.user_id))
		.map(rememberedOf)
		.concat([...stillThere.values()]);
	staticData.users = encodeSnapshot(next, organizationKey) as never;
	return emit(
		context,
		changes.filter((change) => events.has(change.event)),
	);
}
