import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecutePaginationFunctions } from 'n8n-workflow';

import type { RoutedRequest, SendForSuccess, ZohoOperation } from '../../shared/operation';
import { booleanParameter } from '../../shared/parameters';
import { shareWithinRun } from '../../shared/runScope';
import { USERS_SCOPES } from '../../shared/zoho';
import { emailField, nameField } from './newUserFields';
import { addressKey, userDirectory } from './userDirectory';
import type { ListedUser } from './userDirectory';
import { additionalFieldsWithRole, sameRole } from './userRole';
import { validateNewUser } from './userValidation';

type Changes = Record<string, { from: IDataObject[string]; to: IDataObject[string] }>;

/** What differs between the user as the directory lists them and what the item asks for. */
function changesFor(user: ListedUser, wanted: IDataObject, reactivate: boolean): Changes {
	const changes: Changes = {};
	if (user.name !== wanted.name) changes.name = { from: user.name ?? null, to: wanted.name };
	if (wanted.user_role !== undefined && !sameRole(user.user_role, wanted.user_role)) {
		changes.user_role = { from: user.user_role ?? null, to: wanted.user_role };
	}
	if (reactivate && user.status === 'inactive') changes.status = { from: 'inactive', to: 'active' };
	return changes;
}

/**
 * Against the run's user directory (one listing for every item of the run):
 * create the user when nobody has the address (or only a deleted user),
 * send nothing when name and role already match, else update only what
 * differs, filling in Zoho's required fields from the directory.
 */
async function createOrUpdate(
	context: IExecutePaginationFunctions,
	request: RoutedRequest,
	send: SendForSuccess,
): Promise<IDataObject[]> {
	const wanted = request.options.body as IDataObject;
	const email = wanted.email as string;
	const reactivate = booleanParameter(
		context,
		'options.reactivateIfInactive',
		'Reactivate If Inactive',
		false,
	);
	// Two items of one run naming one address would both see it free and both create it.
	const claimed = await shareWithinRun(context, 'upsertAddresses', async () => new Set<string>());
	if (claimed.has(addressKey(email))) {
		throw new NodeOperationError(
			context.getNode(),
			`Email: ${email} appears more than once in this run's items`,
			{
				itemIndex: context.getItemIndex(),
				description:
					'Create or Update acts on an address once per run; nothing was sent for this item. Remove the repeated row, or merge the rows before this node.',
			},
		);
	}
	claimed.add(addressKey(email));
	const matches = (await userDirectory(context)).withEmail(email);

	if (matches.length > 1) {
		throw new NodeOperationError(
			context.getNode(),
			`${matches.length} users in this organization have the email address ${email}`,
			{
				itemIndex: context.getItemIndex(),
				description: `Nothing was changed. Resolve the duplicates in Zoho Invoice, or act on one By ID: ${matches.map((user) => user.user_id).join(', ')}.`,
			},
		);
	}
	if (matches.length === 0) {
		const answer = await send({ method: 'POST', url: '/users', body: wanted });
		const created = answer.user as IDataObject | undefined;
		return [
			{ action: 'created', email, user_id: created?.user_id, message: answer.message as string },
		];
	}

	const [user] = matches;
	const changes = changesFor(user, wanted, reactivate);
	if (Object.keys(changes).length === 0)
		return [{ action: 'unchanged', email, user_id: user.user_id }];

	let message: IDataObject[string];
	if (changes.name || changes.user_role) {
		// Zoho requires name and email on every update: the address stays as Zoho has it.
		const body: IDataObject = { name: wanted.name, email: user.email ?? email };
		if (wanted.user_role !== undefined) body.user_role = wanted.user_role;
		({ message } = (await send({
			method: 'PUT',
			url: `/users/${user.user_id}`,
			body,
		})) as IDataObject);
	}
	if (changes.status)
		({ message } = (await send({
			method: 'POST',
			url: `/users/${user.user_id}/active`,
			body: {},
		})) as IDataObject);
	return [{ action: 'updated', email, user_id: user.user_id, changes, message }];
}

export const upsert: ZohoOperation = {
	option: {
		name: 'Create or Update',
		value: 'upsert',
		action: 'Create or update a user',
		description: 'Create a new record, or update the current one if it already exists (upsert)',
		// No request here: createOrUpdate sends GET /users (once per run), then POST /users,
		// PUT /users/{user_id} and POST /users/{user_id}/active, or nothing.
		routing: { send: { preSend: [validateNewUser] } },
	},
	fields: [
		emailField,
		nameField,
		additionalFieldsWithRole,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Reactivate If Inactive',
					name: 'reactivateIfInactive',
					type: 'boolean',
					default: false,
					description: 'Whether to mark the user active again when Zoho lists them as inactive',
				},
			],
		},
	],
	// The listing, then a create (or mark active) or an update.
	scopes: [USERS_SCOPES.read, USERS_SCOPES.create, USERS_SCOPES.update],
	output: { run: createOrUpdate },
};
