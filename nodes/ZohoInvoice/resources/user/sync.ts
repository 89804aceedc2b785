import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type { IDataObject, IExecutePaginationFunctions, INodeProperties } from 'n8n-workflow';

import type { RoutedRequest, SendForSuccess, ZohoOperation } from '../../shared/operation';
import { preview, whatCame } from '../../shared/errors';
import { booleanParameter, wholeNumberParameter } from '../../shared/parameters';
import { USERS_SCOPES } from '../../shared/zoho';
import { arrivedItems, itemsOfRun, runHasStopped, shareWithinRun } from '../../shared/runScope';
import { emailField, nameField } from './newUserFields';
import { planSync } from './syncPlan';
import type { PersonStep, RemovalStep, RemoveMissing, SyncPerson, SyncPlan } from './syncPlan';
import { addressKey, userDirectory } from './userDirectory';
import { additionalFieldsWithRole } from './userRole';
import { checkUserFields, isEmail } from './userValidation';

/** How many addresses a refusal names before "and N more". */
const NAMED_IN_MESSAGES = 5;

const REMOVE_MISSING: Record<RemoveMissing, string> = {
	deactivate: 'Mark Inactive',
	delete: 'Delete',
	keep: 'Leave Alone',
};

/** A refusal of the whole run, before any change; each item reports it as its own error. */
function runRefused(context: IExecutePaginationFunctions, message: string, description: string) {
	return new NodeOperationError(context.getNode(), message, { description });
}

/** What a promise came to, without a catch clause (errors are n8n's own error types here). */
async function outcomeOf<T>(promise: Promise<T>): Promise<{ value: T } | { error: Error }> {
	return await promise.then(
		(value) => ({ value }),
		(error: Error) => ({ error }),
	);
}

interface Ready {
	nodeFailed?: undefined;
	plan: SyncPlan;
	/** The persons read from the items, by item index. */
	persons: Map<number, SyncPerson>;
	dryRun: boolean;
	/** Items refused before anything was sent, with their error. */
	refused: Map<number, NodeOperationError>;
	/** Why nobody is removed in this run, if so. */
	noRemovals?: string;
	/** A dry run's warning that a real run would stop at Max Removals. */
	overLimit?: string;
}

function addresses(steps: RemovalStep[]): string {
	const named = steps
		.slice(0, NAMED_IN_MESSAGES)
		.map((step) => step.user.email ?? step.user.user_id);
	const more = steps.length - named.length;
	return `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function itemList(indexes: number[]): string {
	const shown = indexes.slice(0, NAMED_IN_MESSAGES).join(', ');
	return indexes.length > NAMED_IN_MESSAGES
		? `${shown} and ${indexes.length - NAMED_IN_MESSAGES} more`
		: shown;
}

/** Keep Emails: addresses separated by commas (or spaces, semicolons, new lines), each checked. */
function keepEmailsOf(context: IExecutePaginationFunctions): Set<string> {
	const value = context.getNodeParameter('options.keepEmails', '') as unknown;
	const entries = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(/[,;\s]+/)
			: undefined;
	if (!entries) {
		throw runRefused(
			context,
			`Keep Emails: expected addresses separated by commas, got ${whatCame(value, { typed: true, length: 40 })}`,
			'Give the addresses Sync must never remove, like accountant@example.com, it@example.com.',
		);
	}
	const keep = new Set<string>();
	for (const entry of entries) {
		const email = typeof entry === 'string' ? entry.trim() : entry;
		if (email === '') continue;
		if (typeof email !== 'string' || !isEmail(email)) {
			throw runRefused(
				context,
				`Keep Emails: "${preview(email, 60)}" is not an email address`,
				'Nothing was changed: a protected address that cannot be read protects nobody. Separate the addresses with commas, like accountant@example.com, it@example.com.',
			);
		}
		keep.add(addressKey(email));
	}
	return keep;
}

function removeMissingOf(context: IExecutePaginationFunctions): RemoveMissing {
	const value = context.getNodeParameter('removeMissing', 'deactivate') as unknown;
	if (typeof value === 'string' && Object.hasOwn(REMOVE_MISSING, value))
		return value as RemoveMissing;
	throw runRefused(
		context,
		`Remove Missing: expected one of ${Object.keys(REMOVE_MISSING).join(', ')}, got ${whatCame(value, { typed: true, length: 40 })}`,
		'Pick Mark Inactive, Delete or Leave Alone.',
	);
}

/** The run's settings, read once, for the first item, and checked before anything is sent. */
function settingsOf(context: IExecutePaginationFunctions) {
	return {
		removeMissing: removeMissingOf(context),
		keepEmails: keepEmailsOf(context),
		dryRun: booleanParameter(context, 'options.dryRun', 'Dry Run', false),
		maxRemovals: wholeNumberParameter(context, 'options.maxRemovals', 'Max Removals', 0, 10),
	};
}

/**
 * n8n's Request Options → Batching starts later items after pauses: Sync
 * would not see the whole list at once. Zero when it is off; else how long
 * n8n takes to start every item.
 */
function batchingPauses(context: IExecutePaginationFunctions, items: number): number {
	const batch = context.getNodeParameter('requestOptions.batching.batch', {}) as IDataObject;
	const size = Number(batch.batchSize) > 0 ? Number(batch.batchSize) : 1;
	const interval = Number(batch.batchInterval);
	return interval > 0 && items > size ? Math.ceil(items / size) * interval : 0;
}

/**
 * Why the items of this run may be only part of the list: n8n's settings
 * and wiring that hand a node its input in parts, each a run of its own.
 */
function partOfTheList(context: IExecutePaginationFunctions): string | undefined {
	const node = context.getNode();
	if (node.executeOnce) return 'Execute Once is on, so n8n hands Sync only the first item';
	// n8n runs a node an AI Agent calls as a tool with its output rewired to the agent.
	if ((node as { rewireOutputLogTo?: string }).rewireOutputLogTo === 'ai_tool')
		return "Sync is an AI Agent's tool here, and a call names some people, not the whole list";
	// In a loop, what follows the node also leads back to it.
	const ancestors = new Set(context.getParentNodes(node.name).map((ancestor) => ancestor.name));
	if (
		ancestors.has(node.name) ||
		context.getChildNodes(node.name).some((child) => ancestors.has(child.name))
	)
		return 'Sync runs inside a loop, and each pass hands it part of the list';
	if (context.getParentNodes(node.name, { depth: 1 }).length > 1)
		return 'Sync has more than one input node, and each hands it part of the list';
	if (Number(context.getWorkflowDataProxy(context.getItemIndex()).$runIndex) > 0)
		return 'Sync already ran in this execution, so this run holds part of the list';
	return undefined;
}

/** One input item's person, its fields checked as Create checks them. */
function personOf(context: IExecutePaginationFunctions, request: RoutedRequest): SyncPerson {
	const body = { ...((request.options.body ?? {}) as IDataObject) };
	if (typeof body.email === 'string') body.email = body.email.trim();
	checkUserFields(context, body, true);
	return {
		itemIndex: context.getItemIndex(),
		email: body.email as string,
		name: body.name as string,
		role: body.user_role as string | undefined,
	};
}

interface Arrival {
	context: IExecutePaginationFunctions;
	request: RoutedRequest;
}

/**
 * One sync: the input items of one run are the whole list of people who
 * should have access. The first item to get here plans for all of them, from
 * one complete listing; every item then applies its own person's step; the
 * last one not refused waits for all the others and, only if every item was
 * read and applied, removes the users no item names.
 */
class SyncRun {
	readonly ready: Promise<Ready | { nodeFailed: true }>;

	private readonly outcomes = new Map<number, Promise<Error | undefined>>();

	private readonly settle = new Map<number, (error?: Error) => void>();

	constructor(first: IExecutePaginationFunctions) {
		this.ready = this.prepare(first);
		this.ready.catch(() => undefined);
	}

	private async prepare(first: IExecutePaginationFunctions): Promise<Ready | { nodeFailed: true }> {
		// Every item n8n could prepare has arrived before a timer fires (runScope.ts: arrive).
		await sleep(0);
		const arrived = arrivedItems<Arrival>(first);
		const total = itemsOfRun(first) ?? arrived.size;
		const pauses = batchingPauses(first, total);
		if (pauses > 0) {
			// Refused once n8n has started every item: a refusal while it pauses would reach nobody.
			await sleep(pauses);
			throw runRefused(
				first,
				'Sync needs the whole list in one pass: turn off Request Options → Batching',
				"With Batching, n8n hands the node its items in parts, and a person of a later part would look like a leaver. Nothing was changed. The node keeps within Zoho's limits by itself.",
			);
		}
		const missing = Array.from({ length: total }, (_, index) => index).filter(
			(index) => !arrived.has(index),
		);
		// Without On Error → Continue, n8n has failed the node for an item it could not prepare:
		// nothing is sent, and nobody reads these answers.
		if (runHasStopped(first)) return { nodeFailed: true };
		if (missing.length && !first.continueOnFail()) {
			throw runRefused(
				first,
				`Sync did not get item ${itemList(missing)} of the list`,
				'Nothing was changed: n8n did not hand the node every item of its input.',
			);
		}
		const settings = settingsOf(first);
		const partial = partOfTheList(first);
		if (partial && settings.removeMissing !== 'keep') {
			throw runRefused(
				first,
				`${partial}: Sync needs the whole list in one run`,
				`Nothing was changed: everyone not in this part would look like a leaver. Put Sync where it receives every person at once (after a loop's "done" output, or after a Merge), or set Remove Missing to Leave Alone to only create and update.`,
			);
		}

		const refused = new Map<number, NodeOperationError>();
		const persons: SyncPerson[] = [];
		for (const { context, request } of arrived.values()) {
			try {
				persons.push(personOf(context, request));
			} catch (error) {
				refused.set(context.getItemIndex(), error as NodeOperationError);
			}
		}
		const byAddress = new Map<string, number[]>();
		for (const person of persons) {
			const key = addressKey(person.email);
			byAddress.set(key, [...(byAddress.get(key) ?? []), person.itemIndex]);
		}
		for (const [address, indexes] of byAddress) {
			if (indexes.length < 2) continue;
			for (const index of indexes) {
				refused.set(
					index,
					new NodeOperationError(
						first.getNode(),
						`Email: ${address} appears in items ${itemList(indexes)}`,
						{
							itemIndex: index,
							description:
								'Sync acts on each person once: nothing was changed for these items, and nobody is removed in this run. Remove the repeated rows, or merge them before this node.',
						},
					),
				);
			}
		}

		// Refused persons still count as named: their users are not leavers.
		const plan = planSync(persons, await userDirectory(first), settings);
		for (const [index, step] of plan.persons) {
			if (step.action === 'refused')
				refused.set(
					index,
					new NodeOperationError(first.getNode(), step.message, {
						itemIndex: index,
						description: step.description,
					}),
				);
		}

		const refusedItems = [...refused.keys()].sort((a, b) => a - b);
		if (refusedItems.length && !first.continueOnFail()) {
			const [firstRefused] = refusedItems;
			throw runRefused(
				first,
				`Sync changed nothing: item ${firstRefused} of the list was refused: ${refused.get(firstRefused)!.message}`,
				`${refused.get(firstRefused)!.description ?? ''} Fix the list and run again, or set the node's On Error to Continue to apply the valid rows (Sync then removes nobody).`.trim(),
			);
		}
		const noRemovals =
			missing.length > 0
				? `Not removed: item ${itemList(missing)} of the list could not be read`
				: refused.size > 0
					? `Not removed: item ${itemList(refusedItems)} of the list was refused`
					: undefined;
		const removing = plan.removals.filter((step) => step.action !== 'kept');
		const overLimit =
			!noRemovals && removing.length > settings.maxRemovals
				? `Sync would remove ${removing.length} users, more than Max Removals (${settings.maxRemovals})`
				: undefined;
		// A dry run shows the plan a real run would refuse: that is what it is for.
		if (overLimit && !settings.dryRun) {
			throw runRefused(
				first,
				`${overLimit}: ${addresses(removing)}`,
				`Nothing was changed. If the list is complete and these people have left, raise Options → Max Removals for this run (Dry Run shows the whole plan). If the list is cut short or empty, fix its source: Sync takes the list as everyone who should have access. Remove Missing is ${REMOVE_MISSING[settings.removeMissing]}.`,
			);
		}
		for (const index of arrived.keys()) {
			if (refused.has(index)) continue;
			this.outcomes.set(index, new Promise((resolve) => this.settle.set(index, resolve)));
		}
		return {
			plan,
			persons: new Map(persons.map((person) => [person.itemIndex, person])),
			dryRun: settings.dryRun,
			refused,
			noRemovals,
			overLimit,
		};
	}

	async outputFor(
		context: IExecutePaginationFunctions,
		send: SendForSuccess,
	): Promise<IDataObject[]> {
		const itemIndex = context.getItemIndex();
		const prepared = await outcomeOf(this.ready);
		if ('error' in prepared) {
			const { error } = prepared;
			// The run's own refusals and checks: each item says it as its own error. Zoho's failures as they came.
			if (error instanceof NodeOperationError)
				throw new NodeOperationError(context.getNode(), error.message, {
					itemIndex,
					description: error.description ?? undefined,
				});
			throw error;
		}
		const ready = prepared.value;
		if (ready.nodeFailed) return [];
		const refusal = ready.refused.get(itemIndex);
		if (refusal) throw refusal;

		const step = ready.plan.persons.get(itemIndex) as AppliedStep;
		const person = ready.persons.get(itemIndex)!;
		const done = ready.dryRun
			? { value: { ...planned(step, person), dryRun: true } }
			: await outcomeOf(applied(step, person, send));
		this.settle.get(itemIndex)?.('error' in done ? done.error : undefined);
		if ('error' in done) throw done.error;
		const { failed, carrier } = await this.stepsOver();
		if (itemIndex !== carrier) return [done.value];
		return [done.value, ...(await this.removals(ready, send, failed))];
	}

	private steps?: Promise<{ failed: number[]; carrier?: number }>;

	/**
	 * Once every step is over: the items whose step failed, and the carrier of
	 * the removals, the last item whose step succeeded. Worked out once for all.
	 */
	private async stepsOver(): Promise<{ failed: number[]; carrier?: number }> {
		this.steps ??= Promise.all(
			[...this.outcomes].map(async ([index, outcome]) => [index, await outcome] as const),
		).then((outcomes) => {
			const failed = outcomes.filter(([, error]) => error !== undefined).map(([index]) => index);
			const succeeded = outcomes.filter(([, error]) => error === undefined).map(([index]) => index);
			return { failed: failed.sort((a, b) => a - b), carrier: Math.max(...succeeded) };
		});
		return await this.steps;
	}

	/** After every person's step: the removals, or why there are none. */
	private async removals(
		ready: Ready,
		send: SendForSuccess,
		failed: number[],
	): Promise<IDataObject[]> {
		const notRemoved =
			ready.noRemovals ??
			(failed.length ? `Not removed: item ${itemList(failed)} of the list failed` : undefined);
		return await Promise.all(
			ready.plan.removals.map(async (step) => {
				const user = {
					email: step.user.email,
					user_id: step.user.user_id,
					name: step.user.name,
					status: step.user.status,
				};
				const dryRun = ready.dryRun ? { dryRun: true } : {};
				if (step.action === 'kept')
					return { action: 'kept', ...user, reason: step.reason, ...dryRun };
				if (notRemoved) return { action: 'kept', ...user, reason: notRemoved, ...dryRun };
				if (ready.dryRun)
					return {
						action: step.action,
						...user,
						dryRun: true,
						...(ready.overLimit && {
							warning: `${ready.overLimit}: a real run would change nothing`,
						}),
					};
				try {
					const answer =
						step.action === 'deleted'
							? await send({ method: 'DELETE', url: `/users/${step.user.user_id}`, body: {} })
							: await send({
									method: 'POST',
									url: `/users/${step.user.user_id}/inactive`,
									body: {},
								});
					return { action: step.action, ...user, message: answer.message as string };
				} catch (error) {
					const { message, description } = error as NodeApiError;
					return {
						action: 'kept',
						...user,
						reason: `Zoho refused to ${step.action === 'deleted' ? 'delete' : 'deactivate'} this user`,
						error: { message, description: description ?? undefined },
					};
				}
			}),
		);
	}
}

/** A step left after the plan's refusals: those items have already failed. */
type AppliedStep = Exclude<PersonStep, { action: 'refused' }>;

function planned(step: AppliedStep, person: SyncPerson): IDataObject {
	const { email } = person;
	if (step.action === 'created') return { action: 'created', email };
	if (step.action === 'unchanged')
		return { action: 'unchanged', email, user_id: step.user.user_id };
	return { action: step.action, email, user_id: step.user.user_id, changes: step.changes };
}

/** One person's step, sent: create, update and/or mark active again, or nothing. */
async function applied(
	step: AppliedStep,
	person: SyncPerson,
	send: SendForSuccess,
): Promise<IDataObject> {
	const output = planned(step, person);
	if (step.action === 'unchanged') return output;
	if (step.action === 'created') {
		const answer = await send({
			method: 'POST',
			url: '/users',
			body: {
				name: person.name,
				email: person.email,
				...(person.role !== undefined && { user_role: person.role }),
			},
		});
		const created = answer.user as IDataObject | undefined;
		return { ...output, user_id: created?.user_id, message: answer.message as string };
	}
	let message: unknown;
	if (step.update)
		({ message } = await send({
			method: 'PUT',
			url: `/users/${step.user.user_id}`,
			body: step.update,
		}));
	if (step.activate)
		({ message } = await send({
			method: 'POST',
			url: `/users/${step.user.user_id}/active`,
			body: {},
		}));
	return { ...output, message: message as string };
}

async function syncPerson(
	context: IExecutePaginationFunctions,
	_request: RoutedRequest,
	send: SendForSuccess,
): Promise<IDataObject[]> {
	const sync = await shareWithinRun(context, 'sync', async () => new SyncRun(context));
	return await sync.outputFor(context, send);
}

const removeMissingField: INodeProperties = {
	displayName: 'Remove Missing',
	name: 'removeMissing',
	type: 'options',
	options: [
		{
			name: 'Mark Inactive',
			value: 'deactivate',
			description: 'They can no longer sign in; their records are kept (recommended)',
		},
		{ name: 'Delete', value: 'delete', description: 'Remove them from the organization' },
		{ name: 'Leave Alone', value: 'keep', description: 'Only create and update; remove nobody' },
	],
	default: 'deactivate',
	description:
		'What to do with active or invited users whose email address is in no input item: the input is the whole list of people who should have access',
};

export const sync: ZohoOperation = {
	option: {
		name: 'Sync',
		value: 'sync',
		action: 'Sync users with a list',
		description:
			'Make the users match a list (one item per person): create, update, reactivate, and mark inactive or delete those not in it',
		// No request here: Sync sends GET /users (once per run), then POST /users, PUT
		// /users/{user_id}, POST /users/{user_id}/active, and POST …/inactive or DELETE for leavers.
		routing: {},
	},
	fields: [
		emailField,
		nameField,
		additionalFieldsWithRole,
		removeMissingField,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Dry Run',
					name: 'dryRun',
					type: 'boolean',
					default: false,
					description: 'Whether to output the whole plan and send nothing but the listing',
				},
				{
					displayName: 'Keep Emails',
					name: 'keepEmails',
					type: 'string',
					default: '',
					placeholder: 'accountant@example.com, it@example.com',
					description:
						'Addresses never removed, separated by commas (service accounts, the accountant). The user the credential acts as is never removed either.',
				},
				{
					displayName: 'Max Removals',
					name: 'maxRemovals',
					type: 'number',
					typeOptions: { minValue: 0 },
					default: 10,
					description:
						'A run that would mark inactive or delete more users than this fails before changing anything, so a cut-short or empty list never empties the organization. 0 forbids removals.',
				},
			],
		},
	],
	output: { run: syncPerson },
	// The listing, then creates, updates, reactivations and removals (Mark Inactive is CREATE's).
	scopes: [USERS_SCOPES.read, USERS_SCOPES.create, USERS_SCOPES.update, USERS_SCOPES.delete],
};
