import { USERS_SCOPES } from '../../shared/zoho';
import { userAction } from './userAction';

export const markActive = userAction({
	name: 'Mark Active',
	value: 'markActive',
	action: 'Mark a user as active',
	description: 'Let an inactive user sign in again',
	method: 'POST',
	pathAfterUser: '/active',
	scope: USERS_SCOPES.create,
});
