/**
 * The connection every request of the package goes through, routed or not:
 * the credential's settings checked before anything is sent, the
 * organization it names, and how one request keeps within that
 * organization's limits and reports its failures.
 */
import { NodeOperationError } from 'n8n-workflow';

import type { AnswerSource } from './answers';
import type { ZohoOperation } from './operation';
import { booleanParameter, itemIndexOf, parameterOf } from './parameters';
import type { ZohoContext } from './parameters';
import type { RateLimitOptions } from './rateLimits';
import { callSignal, runKeyOf, shareWithinRun } from './runScope';
import { ZOHO_LIMITS, apiBaseUrl, organizationKeyOf } from './zoho';
import type { ZohoPlan } from './zoho';

/** The credential type the node's `authentication` choice uses. */
function credentialTypeFor(authentication: unknown): string {
	return authentication === 'selfClient' ? 'zohoInvoiceApi' : 'zohoInvoiceOAuth2Api';
}

/** Where and as whom requests go, read from the credential and checked before anything is sent. */
interface ZohoConnection {
	credentialType: string;
	apiUrl: string;
	organizationId: string;
	/** For messages: where the requests go. */
	host: string;
	/** One rate governor per organization: organizationKeyOf(API base URL, organization id). */
	organizationKey: string;
	simultaneousCalls: number;
	/** Request Options → Wait Out Rate Limits (a node setting, read with the credential). */
	waitsOutRateLimits: boolean;
}

async function readConnection(context: ZohoContext): Promise<ZohoConnection> {
	const credentialType = credentialTypeFor(parameterOf(context, 'authentication', 'oAuth2'));
	const credentials = await context.getCredentials(credentialType);
	const invalid = (message: string) =>
		new NodeOperationError(context.getNode(), `Credential: ${message}`, {
			itemIndex: itemIndexOf(context),
			description: 'Open the Zoho Invoice credential this node uses and correct the field named.',
		});
	const { url: apiUrl, problem } = apiBaseUrl(credentials);
	if (problem !== undefined) throw invalid(problem);
	const organizationId = String(credentials.organizationId ?? '').trim();
	if (!/^\d+$/.test(organizationId)) {
		throw invalid(
			`Organization ID: "${organizationId.slice(0, 40)}" is not a Zoho organization ID. It is a number, found in Zoho Invoice under Settings → Organization Profile.`,
		);
	}
	const plan: ZohoPlan = credentials.plan === 'free' ? 'free' : 'paid';
	return {
		credentialType,
		apiUrl,
		organizationId,
		host: new URL(apiUrl).host,
		organizationKey: organizationKeyOf(apiUrl, organizationId),
		simultaneousCalls: ZOHO_LIMITS.simultaneousCalls[plan],
		waitsOutRateLimits: waitsOutRateLimits(context),
	};
}

/**
 * Read once per run of the node, else per call: n8n reads credentials from
 * its database on each call, and evaluating parameters is n8n's costliest
 * step per item.
 */
export async function zohoConnection(context: ZohoContext): Promise<ZohoConnection> {
	if ('getExecuteData' in context && 'getItemIndex' in context) {
		return await shareWithinRun(context, 'connection', async () => await readConnection(context));
	}
	return await readConnection(context);
}

/** Request Options → Wait Out Rate Limits; the trigger and the editor's pickers always wait. */
function waitsOutRateLimits(context: ZohoContext): boolean {
	return booleanParameter(
		context,
		'requestOptions.waitOutRateLimits',
		'Wait Out Rate Limits',
		true,
	);
}

/** The execution's cancel signal, where the context has one (a poll's; the editor's list search has none). */
function cancelSignalOf(context: ZohoContext): AbortSignal | undefined {
	return (
		context as { getExecutionCancelSignal?: () => AbortSignal | undefined }
	).getExecutionCancelSignal?.();
}

/**
 * Which run a request belongs to, for fairness between runs (rateLimits.ts).
 * A routed item's run is the node's pass over its items (runScope.ts: each
 * pass of a loop and each try of Retry On Fail is its own). A list search and
 * a poll have no execute data: each has its own context object.
 */
function runOf(context: ZohoContext): object {
	return 'getItemIndex' in context ? (runKeyOf(context) ?? context.getExecuteData()) : context;
}

/**
 * Where a failure is reported and how the organization's limits apply, for
 * one request of one item: the same for routed requests (pipeline.ts, which
 * names the operation and its scopes) and the ones made here.
 */
export function requestScope(
	context: ZohoContext,
	connection: ZohoConnection,
	noun: string,
	operation?: ZohoOperation,
): { source: AnswerSource; limits: RateLimitOptions } {
	const waitOut = connection.waitsOutRateLimits;
	return {
		source: {
			node: context.getNode(),
			failure: {
				host: connection.host,
				noun,
				itemIndex: itemIndexOf(context),
				waitsOutRateLimits: waitOut,
				credentialType: connection.credentialType,
				operation: operation?.option.name,
				scopes: operation?.scopes,
			},
		},
		limits: {
			organization: connection.organizationKey,
			simultaneousCalls: connection.simultaneousCalls,
			waitOut,
			run: runOf(context),
			// An item's calls leave the queue when its run stops (shared/runScope.ts) or the execution is cancelled.
			signal: 'getItemIndex' in context ? callSignal(context) : cancelSignalOf(context),
		},
	};
}
