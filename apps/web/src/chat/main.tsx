import { render } from 'preact';
import '../shared/base.css';
import './chat.css';
import { App } from './App.tsx';
import { ChatModel } from './model.ts';

const model = new ChatModel();
render(<App model={model} />, document.getElementById('app')!);
const remembered = ChatModel.rememberedUser();
if (remembered) void model.login(remembered);
