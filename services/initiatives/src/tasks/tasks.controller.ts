import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, TaskPage, TaskView } from '@spilno/contracts';
import { CreateTaskRequest, ListTasksRequest, TaskIdRequest, UpdateTaskRequest } from './tasks.dto';
import { TasksService } from './tasks.service';

@Controller()
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @MessagePattern(Subjects.initiatives.taskCreate)
  create(@Payload() request: CreateTaskRequest): Promise<TaskView> {
    return this.tasks.create(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.taskList)
  list(@Payload() request: ListTasksRequest): Promise<TaskPage> {
    return this.tasks.list(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.taskGet)
  get(@Payload() request: TaskIdRequest): Promise<TaskView> {
    return this.tasks.get(request.meta, request.data.taskId);
  }

  @MessagePattern(Subjects.initiatives.taskUpdate)
  update(@Payload() request: UpdateTaskRequest): Promise<TaskView> {
    return this.tasks.update(request.meta, request.data);
  }

  @MessagePattern(Subjects.initiatives.taskClose)
  close(@Payload() request: TaskIdRequest): Promise<TaskView> {
    return this.tasks.close(request.meta, request.data.taskId);
  }
}
