import { ZOHO_ERRORS, ZOHO_MESSAGES, errorBody, invalidValue } from './zohoAnswers';

export interface SandboxUser {
	user_id: string;
	role_id: string;
	name: string;
	email: string;
	user_role: string;
	status: 'active' | 'inactive' | 'invited' | 'deleted';
	user_type: string;
	created_time: string;
	photo_url: string;
}

/** Zoho's answer: an HTTP status and a JSON body. */
export interface ApiAnswer {
	status: number;
	body: unknown;
}

const PHOTO_URL = 'https://contacts.zoho.com/file?ID=sandbox&fs=thumb';
const ROLE_ID = '982000000006005';
/** Zoho's list and sort parameters for Users (the reference, and Zoho Books for filter_by's values). */
const STATUS_FILTERS: Record<string, SandboxUser['status'] | undefined> = {
	'Status.All': undefined,
	'Status.Active': 'active',
	'Status.Inactive': 'inactive',
	'Status.Invited': 'invited',
	'Status.Deleted': 'deleted',
};
const SORT_COLUMNS = ['name', 'email', 'user_role', 'status'];
const MAX_PER_PAGE = 200;
const COLLATOR = new Intl.Collator('en');

// Reported as Zoho's own rule for addresses; the node checks its own way.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const ok = (body: object): ApiAnswer => ({ status: 200, body: { code: 0, ...body } });
const refuse = (status: number, error: Parameters<typeof errorBody>[0]): ApiAnswer => ({
	status,
	body: errorBody(error),
});

/** One organization's users, and the Users endpoints of Zoho's reference over them. */
export class UserStore {
	private users: SandboxUser[] = [];

	// Zoho ids are long decimal strings, some beyond 2^53: the sandbox's are too, so a
	// client that turns them into numbers gets them wrong. Each store counts on its own.
	private lastCreatedId = 9007199254740993n;

	/**
	 * How deleted users show: `hidden` (the default), Status.All leaves them out and Get answers
	 * 404; `listed`, Status.All lists them with status `deleted` and Get answers them. Zoho's
	 * pages do not say which; integrations report both.
	 */
	constructor(
		count: number,
		private readonly deletedUsers: 'hidden' | 'listed' = 'hidden',
	) {
		this.seed(count);
	}

	/** Replace the users with `count` generated ones; the first is the token owner ("me"), an admin. */
	seed(count: number): void {
		const roles = ['admin', 'staff', 'timesheetstaff'];
		const statuses: SandboxUser['status'][] = ['active', 'active', 'inactive', 'invited'];
		this.users = Array.from({ length: count }, (_, index) => ({
			user_id: String(982000000554041n + BigInt(index)),
			role_id: ROLE_ID,
			name: index === 0 ? 'David Sujin' : `User ${String(index).padStart(5, '0')}`,
			email: index === 0 ? 'david@zylker.org' : `user${index}@zylker.org`,
			user_role: index === 0 ? 'admin' : roles[index % roles.length],
			status: index === 0 ? 'active' : statuses[index % statuses.length],
			user_type: 'zoho',
			created_time: '2016-06-05T02:30:08-0700',
			photo_url: PHOTO_URL,
		}));
	}

	all(): SandboxUser[] {
		return this.users.map((user) => ({ ...user }));
	}

	add(user: Partial<SandboxUser> & { name: string; email: string }): SandboxUser {
		this.lastCreatedId += 2n;
		const created: SandboxUser = {
			user_id: String(this.lastCreatedId),
			role_id: ROLE_ID,
			user_role: 'staff',
			status: 'active',
			user_type: 'zoho',
			created_time: new Date().toISOString().replace(/\.\d+Z$/, '+0000'),
			photo_url: PHOTO_URL,
			...user,
		};
		this.users.push(created);
		return created;
	}

	/** Change a user in place, as someone would in Zoho's web app; undefined when there is no such user. */
	change(userId: string, changes: Partial<Omit<SandboxUser, 'user_id'>>): SandboxUser | undefined {
		const user = this.users.find((candidate) => candidate.user_id === userId);
		if (user) Object.assign(user, changes);
		return user;
	}

	/** Remove a user from the list altogether (Zoho's list shows deleted users only when asked for them). */
	purge(userId: string): void {
		this.users = this.users.filter((user) => user.user_id !== userId);
	}

	me(): ApiAnswer {
		return this.get(this.users[0]?.user_id ?? '');
	}

	list(query: Record<string, string>): ApiAnswer {
		const page = query.page === undefined ? 1 : Number(query.page);
		const perPage = query.per_page === undefined ? MAX_PER_PAGE : Number(query.per_page);
		if (!Number.isInteger(page) || page < 1) return refuse(400, invalidValue('page'));
		if (!Number.isInteger(perPage) || perPage < 1) return refuse(400, invalidValue('per_page'));
		const effectivePerPage = Math.min(perPage, MAX_PER_PAGE);

		const filter = query.filter_by ?? 'Status.All';
		if (!(filter in STATUS_FILTERS)) return refuse(400, invalidValue('filter_by'));
		const wantedStatus = STATUS_FILTERS[filter];
		let users = this.users.filter((user) =>
			wantedStatus
				? user.status === wantedStatus
				: this.deletedUsers === 'listed' || user.status !== 'deleted',
		);

		// Zoho sorts by name unless told otherwise (its page_context says sort_column "name"), and
		// sorts anew for every page: a user renamed or removed between two page requests shifts them.
		const sortColumn = query.sort_column;
		if (sortColumn !== undefined && !SORT_COLUMNS.includes(sortColumn))
			return refuse(400, invalidValue('sort_column'));
		const key = (sortColumn ?? 'name') as keyof SandboxUser;
		users = [...users].sort(
			(a, b) =>
				COLLATOR.compare(String(a[key]), String(b[key])) || COLLATOR.compare(a.user_id, b.user_id),
		);
		if (query.sort_order === 'D') users.reverse();

		const start = (page - 1) * effectivePerPage;
		return ok({
			message: ZOHO_MESSAGES.success,
			// The list names a user's address `email`; Get names them `email_ids` (the reference).
			users: users.slice(start, start + effectivePerPage).map((user) => ({
				user_id: user.user_id,
				role_id: user.role_id,
				name: user.name,
				email: user.email,
				user_role: user.user_role,
				status: user.status,
				is_current_user: user.user_id === this.users[0]?.user_id,
				photo_url: user.photo_url,
				is_customer_segmented: false,
				is_vendor_segmented: false,
				user_type: user.user_type,
			})),
			page_context: {
				page,
				per_page: effectivePerPage,
				has_more_page: start + effectivePerPage < users.length,
				report_name: 'Users',
				applied_filter: filter,
				sort_column: sortColumn ?? 'name',
				sort_order: query.sort_order ?? 'A',
			},
		});
	}

	get(userId: string): ApiAnswer {
		const user =
			this.deletedUsers === 'listed'
				? this.users.find((candidate) => candidate.user_id === userId)
				: this.find(userId);
		if (!user) return refuse(404, ZOHO_ERRORS.userMissing);
		return ok({
			message: ZOHO_MESSAGES.success,
			user: {
				user_id: user.user_id,
				name: user.name,
				email_ids: [{ email: user.email, is_selected: true }],
				status: user.status,
				user_role: user.user_role,
				user_type: user.user_type,
				role_id: user.role_id,
				photo_url: user.photo_url,
				is_employee: true,
				created_time: user.created_time,
				custom_fields: '',
			},
		});
	}

	/** Create answers with a message only: no user object, no id (the reference). */
	create(json: unknown, contentType: string): ApiAnswer {
		const fields = this.userFields(json, contentType);
		if ('status' in fields) return fields;
		const taken = this.users.some(
			(user) =>
				user.status !== 'deleted' && user.email.toLowerCase() === fields.email.toLowerCase(),
		);
		if (taken) return refuse(400, ZOHO_ERRORS.emailTaken);
		this.add({
			name: fields.name,
			email: fields.email,
			user_role: fields.role ?? 'staff',
			status: 'invited',
		});
		return { status: 201, body: { code: 0, message: ZOHO_MESSAGES.invited } };
	}

	update(userId: string, json: unknown, contentType: string): ApiAnswer {
		const user = this.find(userId);
		if (!user) return refuse(404, ZOHO_ERRORS.userMissing);
		const fields = this.userFields(json, contentType);
		if ('status' in fields) return fields;
		user.name = fields.name;
		user.email = fields.email;
		if (fields.role !== undefined) user.user_role = fields.role;
		return ok({ message: ZOHO_MESSAGES.updated });
	}

	remove(userId: string): ApiAnswer {
		const user = this.find(userId);
		if (!user) return refuse(404, ZOHO_ERRORS.userMissing);
		user.status = 'deleted';
		return ok({ message: ZOHO_MESSAGES.removed });
	}

	invite(userId: string): ApiAnswer {
		return this.find(userId)
			? ok({ message: ZOHO_MESSAGES.invited })
			: refuse(404, ZOHO_ERRORS.userMissing);
	}

	markActive(userId: string, active: boolean): ApiAnswer {
		const user = this.find(userId);
		if (!user) return refuse(404, ZOHO_ERRORS.userMissing);
		user.status = active ? 'active' : 'inactive';
		return ok({ message: active ? ZOHO_MESSAGES.markedActive : ZOHO_MESSAGES.markedInactive });
	}

	private find(userId: string): SandboxUser | undefined {
		return this.users.find((user) => user.user_id === userId && user.status !== 'deleted');
	}

	/** Create and Update take name and email (required) and user_role, as JSON. */
	private userFields(
		json: unknown,
		contentType: string,
	): ApiAnswer | { name: string; email: string; role?: string } {
		if (!contentType.includes('application/json')) return refuse(400, ZOHO_ERRORS.badJson);
		if (typeof json !== 'object' || json === null || Array.isArray(json))
			return refuse(400, ZOHO_ERRORS.badJson);
		const { name, email, user_role } = json as Record<string, unknown>;
		if (typeof name !== 'string' || !name.trim()) return refuse(400, invalidValue('name'));
		if (typeof email !== 'string' || !EMAIL.test(email)) return refuse(400, invalidValue('email'));
		if (user_role !== undefined && typeof user_role !== 'string')
			return refuse(400, invalidValue('user_role'));
		return { name, email, role: user_role };
	}
}
