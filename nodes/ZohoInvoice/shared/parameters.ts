import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteSingleFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import { whatCame } from './errors';

/** Every context the package sends requests from: routed items, the editor's pickers, the trigger. */
export type ZohoContext = IExecuteSingleFunctions | ILoadOptionsFunctions | IPollFunctions;

/** The item a context acts for; none for the editor's pickers and the trigger. */
export function itemIndexOf(context: ZohoContext): number | undefined {
	return 'getItemIndex' in context ? context.getItemIndex() : undefined;
}

/** A node parameter, whichever context reads it: their getNodeParameter signatures differ. */
export function parameterOf(context: ZohoContext, name: string, fallback: unknown): unknown {
	return (context.getNodeParameter as (name: string, fallback: unknown) => unknown)(name, fallback);
}

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
function wrongType(context: ZohoContext, displayName: string, expected: string, value: unknown) {
	const got = value === undefined ? 'nothing' : whatCame(value, { typed: true, length: 40 });
	return new NodeOperationError(
		context.getNode(),
		`${displayName}: expected ${expected}, got ${got}`,
		{
			itemIndex: itemIndexOf(context),
			description: `Set ${displayName} to ${expected}, or make its expression give one.`,
		},
	);
}

export function booleanParameter(
	context: ZohoContext,
	name: string,
	displayName: string,
	fallback: boolean,
): boolean {
	const value = parameterOf(context, name, fallback);
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
