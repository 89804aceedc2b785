import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { MAX_PER_PAGE } from './zoho';

/** One page of a Zoho list: its records, and whether `page_context.has_more_page` says more follow. */
export interface Page<T> {
	records: T[];
	hasMore: boolean;
}

/**
 * More pages than any organization has (200,000 records): a proxy that
 * ignores `page` while answering `has_more_page: true` must not loop forever.
 */
export const MAX_PAGES = 1_000;

/**
 * Zoho pages by number, at most 200 a page. Ask for exactly `wanted` when it
 * fits one page; otherwise take full pages and stop as soon as there are
 * enough, or when Zoho says there are no more.
 */
export async function collectPages<T>(
	fetchPage: (page: number, perPage: number) => Promise<Page<T>>,
	wanted: number,
	where: { node: INode; itemIndex?: number },
): Promise<T[]> {
	const stop = (message: string, description: string) =>
		new NodeOperationError(where.node, message, { itemIndex: where.itemIndex, description });
	const perPage = Math.min(wanted, MAX_PER_PAGE);
	const records: T[] = [];
	let previous: string | undefined;
	for (let page = 1; records.length < wanted; page++) {
		if (page > MAX_PAGES) {
			throw stop(
				`Zoho kept saying more pages follow after ${MAX_PAGES} pages`,
				`The node stopped at ${MAX_PAGES * perPage} records, more than any organization holds. Something between n8n and Zoho (a proxy, or a wrong custom API URL) may be ignoring the page parameter.`,
			);
		}
		const result = await fetchPage(page, perPage);
		const signature = JSON.stringify(result.records);
		if (result.records.length > 0 && signature === previous) {
			throw stop(
				`Zoho sent page ${page} with the same records as page ${page - 1}`,
				'The node stopped rather than list the same records again. Something between n8n and Zoho (a proxy, or a wrong custom API URL) may be ignoring the page parameter.',
			);
		}
		previous = signature;
		records.push(...result.records);
		if (!result.hasMore || result.records.length === 0) break;
	}
	return records.slice(0, wanted);
}
