import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodeParameterResourceLocator,
	INodeProperties,
} from 'n8n-workflow';

import { preview, whatCame } from '../../shared/errors';
import { invalidInput } from '../../shared/parameters';
import { onceForItem } from '../../shared/runScope';
import { userDirectory } from './userDirectory';
import type { ListedUser } from './userDirectory';
import { USER_ID_PATTERN } from './userId';
import { isEmail } from './userValidation';

/** Where an operation's path names the user: `/users/{user_id}/invite`, as in Zoho's reference. */
export const USER_ID_PLACEHOLDER = '{user_id}';

/** The user the User field names: their id, and their listing when they were found By Email. */
interface NamedUser {
	userId: string;
	listed?: ListedUser;
}

async function findByEmail(context: IExecuteSingleFunctions, email: string): Promise<NamedUser> {
	const matches = (await userDirectory(context)).withEmail(email);
	if (matches.length === 1) return { userId: matches[0].user_id, listed: matches[0] };
	if (matches.length === 0) {
		throw invalidInput(
			context,
			`No user in this organization has the email address ${email}`,
			"Check the User field's email address, or pick the user From List.",
		);
	}
	throw invalidInput(
		context,
		`${matches.length} users in this organization have the email address ${email}`,
		`Pick the user By ID instead: ${matches.map((user) => user.user_id).join(', ')}.`,
	);
}

/** The user the `userId` field names, checked before anything is sent. */
async function locateUser(context: IExecuteSingleFunctions): Promise<NamedUser> {
	const locator = context.getNodeParameter('userId') as INodeParameterResourceLocator | undefined;
	const value = locator?.value;
	if (locator?.mode === 'email') {
		const email = typeof value === 'string' ? value.trim() : value;
		if (typeof email !== 'string' || !isEmail(email)) {
			throw invalidInput(
				context,
				`User: ${whatCame(email)} is not an email address`,
				'Give the email address of a user in this organization, like name@example.com.',
			);
		}
		return await findByEmail(context, email);
	}
	if (typeof value === 'number') {
		// JSON numbers above 2^53 were rounded when the input was parsed: they name another user.
		if (!Number.isSafeInteger(value) || value < 1) {
			throw invalidInput(
				context,
				`User: the number ${preview(value, 40)} cannot be an exact Zoho user ID`,
				'Numbers above 9007199254740991 lose their last digits before the node sees them, and would name another user. Pass user IDs as text (a string), e.g. "982000000554041".',
			);
		}
		return { userId: String(value) };
	}
	const text = typeof value === 'string' ? value.trim() : '';
	if (!USER_ID_PATTERN.test(text)) {
		throw invalidInput(
			context,
			text ? `User: "${preview(text, 60)}" is not a Zoho user ID` : 'User: no user given',
			'A Zoho user ID is made of digits only, not starting with 0, like 982000000554041. Pick the user From List, or find them By Email.',
		);
	}
	return { userId: text };
}

/**
 * The user the User field names, found once per item: the path's preSend,
 * Update's fill-in and the output all ask, and By Email must not be looked up
 * (nor its errors raised) three times.
 */
export async function resolveUser(context: IExecuteSingleFunctions): Promise<NamedUser> {
	return await onceForItem(context, 'user', async () => await locateUser(context));
}

/** preSend: put the named user's id into the operation's path. */
async function insertUserId(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const { userId } = await resolveUser(this);
	return { ...requestOptions, url: requestOptions.url.replace(USER_ID_PLACEHOLDER, userId) };
}

/** What an action's output names: the user it acted on. */
export async function actedOnUser(context: IExecuteSingleFunctions): Promise<IDataObject> {
	return { user_id: (await resolveUser(context)).userId };
}

/** The User field (a resource locator), for every operation that acts on one user. */
export const userField: INodeProperties = {
	displayName: 'User',
	name: 'userId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The user to act on',
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
					properties: {
						regex: USER_ID_PATTERN.source,
						errorMessage: 'A Zoho user ID is made of digits only, not starting with 0',
					},
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
