import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { MAX_PER_PAGE } from './zoho';

/** One page of a Zoho list, and what its `page_context` says. */
export interface Page<T> {
	records: T[];
	/** `has_more_page`; undefined when Zoho's answer does not say. */
	hasMore?: boolean;
	/** `per_page`: the page size Zoho applied, when it says. */
	perPage?: number;
}

/**
 * More pages than any organization has (200,000 records): a proxy that
 * ignores `page` while answering `has_more_page: true` must not loop forever.
 */
export const MAX_PAGES = 1_000;

const INCOMPLETE =
	"Nothing was done with the list: a list that is not complete could count people who are there as gone. Run again; if it keeps happening, something between n8n and Zoho (a proxy, or a wrong custom API URL) may be changing Zoho's answers.";

/**
 * Zoho pages by number, at most 200 a page. Ask for exactly `wanted` when it
 * fits one page; otherwise take full pages until there are enough. A list is
 * complete only when its last page says `has_more_page: false`: Zoho slices
 * a list sorted anew for each request, so a page that comes short, empty or
 * without that flag is never taken for the end. A full page without the flag
 * is safe to follow with the next page, which then decides.
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
	for (let page = 1; ; page++) {
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
		if (records.length >= wanted) return records.slice(0, wanted);
		if (result.hasMore === false) return records;
		const pageSize = result.perPage ?? perPage;
		const held = `${result.records.length} of the ${pageSize} records a page holds`;
		if (result.hasMore === true && result.records.length < pageSize) {
			throw stop(`Zoho's page ${page} held ${held} and said more pages follow`, INCOMPLETE);
		}
		if (result.hasMore === undefined && result.records.length < pageSize) {
			throw stop(
				`Zoho's page ${page} held ${held} and did not say whether more pages follow (no page_context.has_more_page)`,
				INCOMPLETE,
			);
		}
	}
}
