import { setLocale } from '../src/i18n';

// the tests read English texts whatever the machine's language
setLocale('en');
