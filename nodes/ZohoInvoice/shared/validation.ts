import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(value: string): boolean {
	return EMAIL_PATTERN.test(value);
}

function invalid(context: IExecuteSingleFunctions, message: string, description: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, { itemIndex: context.getItemIndex(), description });
}

/**
 * The name, email and role about to be sent, checked so the user learns
 * which field is wrong before anything reaches Zoho. `complete`: Zoho
 * requires name and email (create, and update once filled in).
 */
export function checkUserFields(context: IExecuteSingleFunctions, body: IDataObject, complete: boolean): void {
	const { name, email, user_role: role } = body;
	if ((complete || name !== undefined) && (typeof name !== 'string' || name.trim() === '')) {
		throw invalid(context, 'Name: a name is required', "Give the user's full name, e.g. Jane Doe.");
	}
	if ((complete || email !== undefined) && (typeof email !== 'string' || !isEmail(email))) {
		throw invalid(
			context,
			`Email: "${String(email ?? '')}" is not an email address`,
			"Give the user's email address, like name@example.com.",
		);
	}
	if (role !== undefined && (typeof role !== 'string' || role.trim() === '')) {
		throw invalid(context, 'Role: no role given', 'Pick Admin, Staff or Timesheet Staff, or remove the Role field.');
	}
}

/** preSend for Create: Zoho requires a name and an email address. */
export async function validateNewUser(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	checkUserFields(this, (requestOptions.body ?? {}) as IDataObject, true);
	return requestOptions;
}
