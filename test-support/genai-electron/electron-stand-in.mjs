// The one thing genai-electron takes from Electron: `app.getPath('userData')`
// (its config/paths.js). This stand-in answers it from VIGIL_GENAI_USERDATA,
// so genai-electron's managers run in plain Node for tests.
const userData = process.env.VIGIL_GENAI_USERDATA;
if (!userData) throw new Error('VIGIL_GENAI_USERDATA is not set: the electron stand-in needs a userData folder');
export const app = {
  getPath: (name) => {
    if (name === 'userData') return userData;
    throw new Error(`electron stand-in: app.getPath('${name}') is not provided`);
  },
};
export default { app };
