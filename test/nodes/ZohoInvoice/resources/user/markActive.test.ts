import { testUserAction } from '../../../../helpers/userAction';

describe('User → Mark Active', () => {
	testUserAction({
		operation: 'markActive',
		method: 'POST',
		pathSuffix: '/active',
		message: 'The user has been marked as active.',
	});
});
