import type { IDataObject, INode } from 'n8n-workflow';

import { unexpectedAnswerError } from './errors';
import type { FailureContext } from './errors';
import { asRecord } from './failure';
import type { Page } from './pagination';

/** Where an answer came from, to name it when it is not what Zoho sends. */
export interface AnswerSource {
	node: INode;
	failure: FailureContext;
}

/** Zoho's envelope: success is a JSON object whose `code` is 0, and nothing else. */
function isZohoSuccess(body: unknown): body is Record<string, unknown> {
	return asRecord(body)?.code === 0;
}

/** Zoho's success envelope, or the error that says what came instead. */
export function successOf(body: unknown, source: AnswerSource): Record<string, unknown> {
	if (!isZohoSuccess(body)) throw unexpectedAnswerError(source.node, body, source.failure);
	return body;
}

/** The one record a Get answers with, e.g. `user`: success without it is not success. */
export function recordOf(body: unknown, key: string, source: AnswerSource): IDataObject {
	const record = asRecord(successOf(body, source)[key]);
	if (!record) throw unexpectedAnswerError(source.node, body, source.failure, `"${key}" object`);
	return record as IDataObject;
}

/** One page of a list, e.g. `users`: every entry must be an object, or nothing of it is used. */
export function listPageOf(body: unknown, key: string, source: AnswerSource): Page<IDataObject> {
	const envelope = successOf(body, source);
	const records = envelope[key];
	if (!Array.isArray(records) || !records.every((record) => asRecord(record))) {
		throw unexpectedAnswerError(source.node, body, source.failure, `"${key}" list of records`);
	}
	const context = asRecord(envelope.page_context);
	const hasMore = context?.has_more_page;
	const perPage = context?.per_page;
	return {
		records: records as IDataObject[],
		hasMore: typeof hasMore === 'boolean' ? hasMore : undefined,
		perPage:
			Number.isSafeInteger(perPage) && (perPage as number) > 0 ? (perPage as number) : undefined,
	};
}
