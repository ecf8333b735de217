import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { connectApi } from './api-client.ts';
import './styles.css';
import './staff.css';

const api = connectApi();
createRoot(document.getElementById('root')!).render(<App api={api} />);
