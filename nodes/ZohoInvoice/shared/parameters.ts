import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteSingleFunctions } from 'n8n-workflow';

import { quoted } from './errors';

/** An item's input refused before anything is sent: what is wrong, and what to give instead. */
export function invalidInput(
	context: IExecuteSingleFunctions,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, {
		itemIndex: context.getItemIndex(),
		description,
	});
}

/**
 * Parameters an expression can fill with any type. Each is checked for the
 * type the node needs, and a wrong one named, instead of being coerced into
 * something the user did not mean (`"false"` is truthy; `"abc"` is NaN).
 */
function wrongType(
	context: IExecuteSingleFunctions,
	displayName: string,
	expected: string,
	value: unknown,
) {
	const got = value === undefined ? 'nothing' : `${typeof value} ${quoted(value)}`;
	return new NodeOperationError(
		context.getNode(),
		`${displayName}: expected ${expected}, got ${got}`,
		{
			itemIndex: context.getItemIndex(),
			description: `Set ${displayName} to ${expected}, or make its expression give one.`,
		},
	);
}

export function booleanParameter(
	context: IExecuteSingleFunctions,
	name: string,
	displayName: string,
	fallback: boolean,
): boolean {
	const value = context.getNodeParameter(name, fallback);
	if (typeof value !== 'boolean') throw wrongType(context, displayName, 'true or false', value);
	return value;
}

export function wholeNumberParameter(
	context: IExecuteSingleFunctions,
	name: string,
	displayName: string,
	minimum: number,
	fallback?: number,
): number {
	const value = context.getNodeParameter(name, fallback);
	const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < minimum) {
		throw wrongType(context, displayName, `a whole number of at least ${minimum}`, value);
	}
	return number;
}

export function positiveIntegerParameter(
	context: IExecuteSingleFunctions,
	name: string,
	displayName: string,
): number {
	return wholeNumberParameter(context, name, displayName, 1);
}
